/**
 * Intake (受理): find the item (name, pinyin initials, code), fill its form, check the
 * materials, accept — or hand out the one-time notice (一次性告知). Keyboard-first: the search
 * box has focus, ↑/↓ pick, Enter opens, Ctrl+Enter accepts, and after acceptance Enter starts
 * the next citizen's case. The form autosaves as a draft; a known applicant is prefilled.
 */
import { Alert, Badge, Button, Card, Col, Descriptions, Drawer, Empty, Input, List, Modal, Row, Space, Tabs, Tag, Typography, type InputRef } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CaseRow, ChannelOutput, DraftRow, ItemDetail, ItemSummary } from '../../../shared/contract/channels';
import { SERVICE_LEVEL_NAMES } from '../../../shared/catalog/item-definition';
import { evaluateMaterials, initialMaterialStates, type MaterialState } from '../../../shared/catalog/materials';
import type { MaterialsCall } from '../../../shared/contract/materials';
import type { CheckView, IdentityCall } from '../../../shared/contract/identity';
import { IdentityCheck } from '../components/identity';
import { api } from '../api/client';
import { errorMessage } from '../api/hooks';
import { downloadPdf } from '../api/download';
import { ItemForm } from '../components/ItemForm';
import { ApplicantControls, RatingRequestButton } from '../components/signature/ApplicantControls';
import { MaterialsChecklist } from '../components/MaterialsChecklist';
import { usePrefill } from '../components/usePrefill';
import { printDocument } from './case-detail/print';
import { RefuseIntakeDialog, type RefuseIntakeValues } from './RefuseIntakeDialog';

type Notice = ChannelOutput<'cases.oneTimeNotice'>;

interface Work {
  item: ItemDetail;
  formData: Record<string, unknown>;
  materials: MaterialState[];
  draftId?: string;
  latestVersion?: number | null;
  /** A finished 人证核验 (passed, overridden or refused) for this applicant. */
  identity?: CheckView;
}

const AUTOSAVE_MS = 800;

/** Saves the work as a draft shortly after the clerk stops typing; returns the save status. */
function useAutosave(work: Work | undefined, onSaved: (draftId: string) => void) {
  const [status, setStatus] = useState<{ text: string; error?: boolean }>();
  const pending = useRef<ReturnType<typeof setTimeout>>(undefined);
  const key = work ? JSON.stringify([work.item.code, work.item.version, work.formData, work.materials]) : '';
  const first = useRef(key);
  useEffect(() => {
    if (!work || key === first.current) return;
    clearTimeout(pending.current);
    pending.current = setTimeout(() => {
      api
        .call('drafts.save', { draftId: work.draftId, itemCode: work.item.code, itemVersion: work.item.version, formData: work.formData, materials: work.materials })
        .then(
          (r) => {
            onSaved(r.draftId);
            setStatus({ text: `草稿已保存 ${new Date(r.savedAt).toLocaleTimeString('zh-CN', { hour12: false })}` });
          },
          (err) => setStatus({ text: `草稿保存失败：${errorMessage(err)}`, error: true }),
        );
    }, AUTOSAVE_MS);
    return () => clearTimeout(pending.current);
  }, [key]);
  const reset = useCallback((k: string) => {
    first.current = k;
    setStatus(undefined);
  }, []);
  return { status, reset };
}

export function IntakePage({ onAccepted }: { onAccepted: (c: CaseRow) => void }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ItemSummary[]>([]);
  const [active, setActive] = useState(0);
  const [tab, setTab] = useState('search');
  const [drafts, setDrafts] = useState<DraftRow[]>([]);
  const [work, setWork] = useState<Work>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [accepted, setAccepted] = useState<CaseRow>();
  const [notice, setNotice] = useState<Notice>();
  const [verifying, setVerifying] = useState<string>();
  const [refusing, setRefusing] = useState(false);
  const [refused, setRefused] = useState<{ caseNo: string; documentId: string; printed: string }>();
  const [pageCounts, setPageCounts] = useState<Record<string, number>>({});
  const [pending, setPending] = useState<Record<string, number>>({});
  const pendingPages = Object.values(pending).reduce((a, b) => a + b, 0);
  const searchRef = useRef<InputRef>(null);

  const autosave = useAutosave(work, (draftId) => setWork((w) => (w && !w.draftId ? { ...w, draftId } : w)));
  const prefill = usePrefill(work?.formData, (formData) => setWork((w) => (w ? { ...w, formData } : w)));
  const evaluation = useMemo(() => (work ? evaluateMaterials(work.item.materials, work.materials) : undefined), [work]);

  const loadDrafts = useCallback(() => api.call('drafts.list', {}).then(setDrafts, () => undefined), []);
  useEffect(() => void loadDrafts(), [loadDrafts]);

  useEffect(() => {
    let stale = false;
    api.call('catalog.search', { query, limit: 30 }).then(
      (r) => {
        if (!stale) {
          setResults(r);
          setActive(0);
        }
      },
      (err) => !stale && setError(errorMessage(err)),
    );
    return () => {
      stale = true;
    };
  }, [query]);

  /**
   * The draft that captured pages and identity checks belong to: saved now if the form was never
   * saved yet. On failure the clerk sees why, in Chinese, and nothing opens.
   */
  const ensureDraft = async (): Promise<string | undefined> => {
    if (!work) return undefined;
    if (work.draftId) return work.draftId;
    try {
      const r = await api.call('drafts.save', { itemCode: work.item.code, itemVersion: work.item.version, formData: work.formData, materials: work.materials });
      setWork((w) => (w ? { ...w, draftId: r.draftId } : w));
      return r.draftId;
    } catch (err) {
      setError(`草稿未能保存，暂不能采集：${errorMessage(err)}`);
      return undefined;
    }
  };

  const begin = (next: Work) => {
    setPageCounts({});
    setPending({});
    if (next.draftId) {
      api.call('materials.listPages', { owner: { draftId: next.draftId } }).then(
        ({ pages }) => {
          const counts: Record<string, number> = {};
          for (const p of pages) counts[p.materialId] = (counts[p.materialId] ?? 0) + 1;
          setPageCounts(counts);
        },
        () => undefined,
      );
    }
    autosave.reset(JSON.stringify([next.item.code, next.item.version, next.formData, next.materials]));
    prefill.reset();
    setWork(next);
    setError(undefined);
  };

  const toggleFavourite = async (item: ItemSummary) => {
    try {
      const { favourites } = await api.call('catalog.setFavourite', { code: item.code, favourite: !item.favourite });
      setResults((rs) => rs.map((r) => (r.code === item.code ? { ...r, favourite: favourites.includes(r.code) } : r)));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const openItem = async (summary: ItemSummary | undefined) => {
    if (!summary) return;
    try {
      const item = await api.call('catalog.get', { code: summary.code });
      begin({ item, formData: {}, materials: initialMaterialStates(item.materials) });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const openDraft = async (draftId: string) => {
    try {
      const r = await api.call('drafts.get', { draftId });
      begin({ item: r.item, formData: r.draft.formData, materials: r.draft.materials, draftId, latestVersion: r.latestVersion });
    } catch (err) {
      setError(errorMessage(err));
      void loadDrafts();
    }
  };

  const upgradeDraft = async () => {
    if (!work?.draftId) return;
    try {
      const item = await api.call('catalog.get', { code: work.item.code });
      const materials = item.materials.map((m) => work.materials.find((s) => s.materialId === m.id) ?? { materialId: m.id, status: 'missing' as const });
      await api.call('drafts.save', { draftId: work.draftId, itemCode: item.code, itemVersion: item.version, formData: work.formData, materials, upgrade: true });
      begin({ ...work, item, materials, latestVersion: item.version });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const accept = async (formData: Record<string, unknown>) => {
    if (!work || busy) return;
    if (pendingPages > 0) {
      setError(`还有 ${pendingPages} 页材料正在保存，请稍候再受理`);
      return;
    }
    if (evaluation && evaluation.blocking.length) {
      setError(`材料不齐，暂不能受理：${evaluation.blocking.map((b) => b.reason).join('；')}`);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const verified = work.identity && ['passed', 'overridden'].includes(work.identity.status) ? work.identity.checkId : undefined;
      const row = await api.call('cases.accept', { itemCode: work.item.code, itemVersion: work.item.version, formData, materials: work.materials, draftId: work.draftId, identityCheckId: verified });
      setAccepted(row);
      onAccepted(row);
      void loadDrafts();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const issueNotice = async () => {
    if (!work) return;
    const applicant = (work.formData.company ?? work.formData.applicant) as { name?: string } | undefined;
    try {
      setNotice(await api.call('cases.oneTimeNotice', { itemCode: work.item.code, itemVersion: work.item.version, applicantName: applicant?.name || undefined, materials: work.materials, draftId: work.draftId }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const downloadReceipt = async () => {
    if (!accepted) return;
    try {
      const pdf = await api.call('documents.receipt', { caseId: accepted.id });
      downloadPdf(pdf.fileName, pdf.pdfBase64);
      if (pdf.missingCharacters.length) setError(`回执中有字库缺少的字（${pdf.missingCharacters.join('')}），请手写补全`);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const downloadNotice = async () => {
    if (!work || !notice) return;
    try {
      const pdf = await api.call('documents.oneTimeNotice', {
        itemCode: work.item.code,
        itemVersion: work.item.version,
        applicantName: notice.applicantName ?? undefined,
        materials: work.materials,
        draftId: work.draftId,
      });
      downloadPdf(pdf.fileName, pdf.pdfBase64);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  /** 不予受理: the notice is built from the saved draft, so what is on screen is saved first. */
  const refuseIntake = async (v: RefuseIntakeValues) => {
    if (!work) return;
    try {
      const saved = await api.call('drafts.save', { draftId: work.draftId, itemCode: work.item.code, itemVersion: work.item.version, formData: work.formData, materials: work.materials });
      const r = await api.call('cases.refuseIntake', { draftId: saved.draftId, reasons: v.reasons, ...(v.legalBasis.length ? { legalBasis: v.legalBasis } : {}), ...(v.redirectTo ? { redirectTo: v.redirectTo } : {}) });
      setRefusing(false);
      setWork(undefined);
      setRefused({ caseNo: r.case.caseNo, documentId: r.document.id, printed: '' });
      void loadDrafts();
      const { transport } = await api.call('system.info', {});
      const printed = await printDocument(r.document.id, transport);
      setRefused({ caseNo: r.case.caseNo, documentId: r.document.id, printed: printed === 'printed' ? '通知书已送打印机' : printed === 'opened' ? '通知书已在新标签页打开，可打印' : '浏览器拦截了新窗口，请允许本页弹出窗口后点“打印通知书”' });
    } catch (err) {
      setError(`未能出具不予受理通知书：${errorMessage(err)}`);
    }
  };

  const reprintRefusal = async () => {
    if (!refused) return;
    try {
      const { transport } = await api.call('system.info', {});
      await printDocument(refused.documentId, transport);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const discardDraft = async () => {
    if (work?.draftId) await api.call('drafts.discard', { draftId: work.draftId }).catch(() => undefined);
    nextCitizen();
  };

  const nextCitizen = () => {
    // The citizen-facing screen empties before the next citizen steps up.
    void api.call('applicant.clear', {}).catch(() => undefined);
    setAccepted(undefined);
    setRefused(undefined);
    setWork(undefined);
    setQuery('');
    setTab('search');
    void loadDrafts();
    setTimeout(() => searchRef.current?.focus(), 0);
  };

  const item = work?.item;
  return (
    <Row gutter={16}>
      <Col span={8}>
        <Card size="small">
          <Tabs
            activeKey={tab}
            onChange={(k) => {
              setTab(k);
              if (k === 'drafts') void loadDrafts();
            }}
            items={[
              {
                key: 'search',
                label: '查找事项',
                children: (
                  <>
                    <Input
                      ref={searchRef}
                      autoFocus
                      allowClear
                      placeholder="事项名称、拼音首字母（如 gsdj）或事项编码"
                      value={query}
                      data-testid="item-search"
                      onChange={(e) => setQuery(e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key === 'ArrowDown') {
                          e.preventDefault();
                          setActive((a) => Math.min(a + 1, results.length - 1));
                        } else if (e.key === 'ArrowUp') {
                          e.preventDefault();
                          setActive((a) => Math.max(a - 1, 0));
                        } else if (e.key === 'Enter') {
                          e.preventDefault();
                          void openItem(results[active]);
                        }
                      }}
                    />
                    <List
                      size="small"
                      style={{ marginTop: 8, maxHeight: 'calc(100vh - 300px)', overflow: 'auto' }}
                      dataSource={results}
                      locale={{ emptyText: <Empty description="没有匹配的事项" /> }}
                      renderItem={(r, i) => (
                        <List.Item
                          data-testid="item-result"
                          onClick={() => void openItem(r)}
                          style={{ cursor: 'pointer', background: i === active ? '#e6f4ff' : undefined, paddingInline: 8 }}
                        >
                          <Space direction="vertical" size={0} style={{ flex: 1 }}>
                            <Typography.Text strong>
                              <a
                                title={r.favourite ? '取消常用' : '设为常用'}
                                data-testid="favourite-toggle"
                                onClick={(e) => {
                                  e.stopPropagation();
                                  void toggleFavourite(r);
                                }}
                                style={{ marginRight: 6, color: r.favourite ? '#faad14' : '#bbb' }}
                              >
                                {r.favourite ? '★' : '☆'}
                              </a>
                              {r.name}
                            </Typography.Text>
                            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                              {r.code} · {r.departmentName} · {SERVICE_LEVEL_NAMES[r.level]} · 承诺 {r.promisedDays === 0 ? '即办' : `${r.promisedDays} 个工作日`}
                            </Typography.Text>
                          </Space>
                        </List.Item>
                      )}
                    />
                  </>
                ),
              },
              {
                key: 'drafts',
                label: (
                  <span data-testid="drafts-tab">
                    草稿 <Badge count={drafts.length} size="small" color="blue" />
                  </span>
                ),
                children: (
                  <List
                    size="small"
                    dataSource={drafts}
                    locale={{ emptyText: <Empty description="没有草稿" /> }}
                    renderItem={(d) => (
                      <List.Item data-testid="draft-row" style={{ cursor: 'pointer' }} onClick={() => void openDraft(d.id)}>
                        <Space direction="vertical" size={0}>
                          <Typography.Text strong>{d.itemName}</Typography.Text>
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {d.applicantName ?? '（未填申请人）'} · 第 {d.itemVersion} 版 · {new Date(d.updatedAt).toLocaleString('zh-CN', { hour12: false })}
                          </Typography.Text>
                        </Space>
                      </List.Item>
                    )}
                  />
                ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col span={16}>
        {error && <Alert type="error" showIcon message={error} closable onClose={() => setError(undefined)} style={{ marginBottom: 12 }} data-testid="intake-error" />}
        {work && item ? (
          <Card
            size="small"
            title={
              <Space>
                <span data-testid="item-title">{item.name}</span>
                <Tag>{item.type}</Tag>
                <Tag color="blue">{item.departmentName}</Tag>
                <Tag>第 {item.version} 版</Tag>
              </Space>
            }
            extra={
              <Space>
                <Typography.Text type={autosave.status?.error ? 'danger' : 'secondary'} data-testid="draft-status">
                  {autosave.status?.text}
                </Typography.Text>
                <Button size="small" onClick={discardDraft}>
                  放弃
                </Button>
              </Space>
            }
          >
            {work.latestVersion && work.latestVersion > item.version && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 12 }}
                data-testid="upgrade-offer"
                message={`此草稿按第 ${item.version} 版填写，事项已更新到第 ${work.latestVersion} 版。`}
                action={<Button size="small" onClick={upgradeDraft}>升级到第 {work.latestVersion} 版</Button>}
              />
            )}
            <Descriptions size="small" column={3} style={{ marginBottom: 12 }}>
              <Descriptions.Item label="事项编码">{item.code}</Descriptions.Item>
              <Descriptions.Item label="法定时限">{item.legalDays === 0 ? '即办' : `${item.legalDays} 个工作日`}</Descriptions.Item>
              <Descriptions.Item label="承诺时限">{item.promisedDays === 0 ? '即办' : `${item.promisedDays} 个工作日`}</Descriptions.Item>
              <Descriptions.Item label="收费">{item.fees.charged ? (item.fees.description ?? '收费') : '不收费'}</Descriptions.Item>
              <Descriptions.Item label="办理层级">{SERVICE_LEVEL_NAMES[item.level]}</Descriptions.Item>
            </Descriptions>
            <Space style={{ marginBottom: 12 }}>
              <Button onClick={async () => setVerifying(await ensureDraft())} data-testid="identity-button">
                人证核验
              </Button>
              {work.identity && (
                <Tag color={['passed', 'overridden'].includes(work.identity.status) ? 'green' : 'red'} data-testid="identity-status">
                  {work.identity.status === 'passed' ? '人证核验通过' : work.identity.status === 'overridden' ? '主管核准通过' : '人证核验未通过'}（{work.identity.applicantName}）
                </Tag>
              )}
            </Space>
            <ApplicantControls
              itemCode={item.code}
              itemVersion={item.version}
              formData={work.formData}
              materials={work.materials}
              draftId={work.draftId}
              onDraft={(draftId) => setWork((w) => (w && !w.draftId ? { ...w, draftId } : w))}
            />
            <Drawer open={!!verifying} width={860} title="人证核验" onClose={() => setVerifying(undefined)} destroyOnHidden>
              {verifying && (
                <IdentityCheck
                  call={api.call as IdentityCall}
                  draftId={verifying}
                  onCardRead={(card) =>
                    setWork((w) => {
                      if (!w) return w;
                      const applicant = { ...((w.formData.applicant as Record<string, unknown>) ?? {}) };
                      if (!applicant.name) applicant.name = card.name;
                      if (!applicant.idNumber) applicant.idNumber = card.idNumber;
                      return { ...w, formData: { ...w.formData, applicant } };
                    })
                  }
                  onFinished={({ check }) => setWork((w) => (w ? { ...w, identity: check } : w))}
                />
              )}
            </Drawer>
            {prefill.notice && <Alert type="success" showIcon style={{ marginBottom: 12 }} data-testid="prefill-notice" message={prefill.notice} />}
            <ItemForm
              schema={item.formSchema}
              uiSchema={item.uiSchema}
              formData={work.formData}
              onChange={(formData) => setWork((w) => (w ? { ...w, formData } : w))}
              onSubmit={accept}
              disabled={busy}
            >
              <Typography.Title level={5} style={{ marginTop: 8 }}>
                材料清单
              </Typography.Title>
              <MaterialsChecklist
                materials={item.materials}
                states={work.materials}
                evaluation={evaluation!}
                onChange={(materials) => setWork((w) => (w ? { ...w, materials } : w))}
                ensureDraft={ensureDraft}
                call={api.call as MaterialsCall}
                pageCounts={pageCounts}
                onPageCount={(id, n) => setPageCounts((c) => ({ ...c, [id]: n }))}
                onPending={(id, n) => setPending((p) => ({ ...p, [id]: n }))}
                applicantIdNo={String((work.formData.applicant as { idNumber?: unknown } | undefined)?.idNumber ?? '') || undefined}
              />
              <Space style={{ marginTop: 12 }}>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="accept-button">
                  受理（Ctrl+Enter）
                </Button>
                <Button onClick={issueNotice} disabled={!evaluation?.missing.length} data-testid="notice-button">
                  一次性告知
                </Button>
                <Button danger onClick={() => setRefusing(true)} disabled={busy} data-testid="refuse-button">
                  不予受理
                </Button>
              </Space>
            </ItemForm>
          </Card>
        ) : (
          <Card size="small">
            <Empty description="在左侧输入事项名称或拼音首字母，按回车开始受理" />
          </Card>
        )}
      </Col>
      <Modal
        open={!!accepted}
        title="已受理"
        onCancel={nextCitizen}
        footer={[
          ...(accepted ? [<RatingRequestButton key="rating" caseId={accepted.id} />] : []),
          <Button key="receipt" onClick={downloadReceipt} data-testid="receipt-button">
            下载受理回执（PDF）
          </Button>,
          <Button key="next" type="primary" autoFocus onClick={nextCitizen}>
            继续受理下一件（Enter）
          </Button>,
        ]}
      >
        {accepted && (
          <Descriptions column={1} size="small">
            <Descriptions.Item label="办件编号">
              <Typography.Text copyable data-testid="accepted-case-no">
                {accepted.caseNo}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="事项">{accepted.itemName}</Descriptions.Item>
            <Descriptions.Item label="申请人">
              {accepted.applicantName}（{accepted.applicantIdMasked}）
            </Descriptions.Item>
            <Descriptions.Item label="承诺办结日期">{accepted.promisedDate ?? '以后台确认为准'}</Descriptions.Item>
          </Descriptions>
        )}
      </Modal>
      <RefuseIntakeDialog open={refusing} itemName={item?.name ?? ''} onCancel={() => setRefusing(false)} onSubmit={refuseIntake} />
      <Modal
        open={!!refused}
        title="已出具不予受理通知书"
        onCancel={nextCitizen}
        footer={[
          <Button key="print" onClick={reprintRefusal} data-testid="refusal-print">
            打印通知书
          </Button>,
          <Button key="next" type="primary" autoFocus onClick={nextCitizen}>
            继续受理下一件（Enter）
          </Button>,
        ]}
      >
        {refused && (
          <Descriptions column={1} size="small">
            <Descriptions.Item label="办件编号">
              <Typography.Text copyable data-testid="refused-case-no">
                {refused.caseNo}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="状态">不予受理</Descriptions.Item>
            {refused.printed && <Descriptions.Item label="通知书">{refused.printed}</Descriptions.Item>}
          </Descriptions>
        )}
      </Modal>
      <Modal open={!!notice} title="一次性告知书" onCancel={() => setNotice(undefined)} footer={<Button type="primary" onClick={downloadNotice} data-testid="notice-pdf">下载告知书（PDF）</Button>} width={640}>
        {notice && (
          <div data-testid="one-time-notice">
            <Typography.Paragraph>
              {notice.applicantName ?? '申请人'}：您申请办理的“{notice.itemName}”（{notice.departmentName}），经审查尚缺以下材料。请补齐后再来办理，本中心不再要求提交清单以外的材料：
            </Typography.Paragraph>
            <ol>
              {notice.missing.map((m) => (
                <li key={m.materialId}>
                  {m.description}
                  {m.note ? `（${m.note}）` : ''}
                </li>
              ))}
            </ol>
            <Typography.Paragraph type="secondary">
              {notice.centerName} · 经办人 {notice.issuedBy} · {new Date(notice.issuedAt).toLocaleString('zh-CN', { hour12: false })}
            </Typography.Paragraph>
          </div>
        )}
      </Modal>
    </Row>
  );
}
