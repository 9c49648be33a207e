/**
 * A case's detail, opened from the case list (Enter or double-click): its data, the actions the
 * state machine allows for its status and the signed-in role (others disabled with the reason as
 * a tooltip), the documents stored with it (view, print) and the timeline with who, when and
 * from where.
 */
import { Alert, App, Button, Descriptions, Drawer, Empty, List, Space, Spin, Tag, Timeline, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { CASE_TRANSITIONS, transition, type CaseActorRole, type CaseEvent } from '../../../../shared/cases/state-machine';
import { CASE_STATUS_NAMES } from '../../../../shared/cases/status';
import type { CaseDetail, ChannelOutput } from '../../../../shared/contract/channels';
import { api } from '../../api/client';
import { errorMessage } from '../../api/hooks';
import { ActionModal, type ActionKind, type ActionSubmit } from './ActionForms';
import { actorRoleName, formatTime, stateName, timelineTypeName } from './labels';
import { openDocument, printDocument } from './print';
import { RevealPii } from './RevealPii';

type StoredDocument = ChannelOutput<'documents.list'>[number];

/** The window's actions on a stored case, in the order the clerk meets them. */
const ACTIONS: { event: CaseEvent; kind: ActionKind; danger?: boolean }[] = [
  { event: 'hand-out', kind: 'hand-out' },
  { event: 'deliver', kind: 'deliver' },
  { event: 'withdraw', kind: 'withdraw', danger: true },
];

/** null when allowed, else the state machine's own Chinese reason. */
function refusalOf(status: CaseDetail['status'], event: CaseEvent, role: CaseActorRole): string | null {
  try {
    transition(status, event, role);
    return null;
  } catch (err) {
    return errorMessage(err);
  }
}

export function CaseDetailDrawer(props: { caseId: string | null; role: CaseActorRole; transport: 'electron' | 'browser'; onClose: () => void }) {
  const { caseId, role } = props;
  const [detail, setDetail] = useState<CaseDetail>();
  const [documents, setDocuments] = useState<StoredDocument[]>([]);
  const [error, setError] = useState<string>();
  const [action, setAction] = useState<ActionKind | null>(null);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();

  const load = useCallback(async () => {
    if (!caseId) return;
    try {
      const [d, docs] = await Promise.all([api.call('cases.get', { id: caseId }), api.call('documents.list', { caseId })]);
      setDetail(d);
      setDocuments(docs);
      setError(undefined);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [caseId]);

  useEffect(() => {
    setDetail(undefined);
    setDocuments([]);
    void load();
  }, [load]);
  useEffect(() => api.onEvent((e) => e.type === 'case.changed' && e.caseId === caseId && void load()), [caseId, load]);

  const print = async (doc: StoredDocument) => {
    try {
      const r = await printDocument(doc.id, props.transport);
      if (r === 'printed') message.success(`${doc.title}已送打印机`);
      else if (r === 'blocked') message.warning('浏览器拦截了新窗口，请允许本页弹出窗口后重试');
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const submit = async (value: ActionSubmit) => {
    if (!caseId) return;
    setBusy(true);
    try {
      if (value.kind === 'withdraw') {
        await api.call('cases.withdraw', { caseId, reason: value.reason });
        message.success('已撤回，撤回信息将同步至区级后台');
      } else {
        const r =
          value.kind === 'hand-out'
            ? await api.call('cases.handOut', { caseId, collector: value.collector })
            : await api.call('cases.deliver', { caseId, delivery: value.delivery });
        message.success(value.kind === 'hand-out' ? '已出件，请打印送达回执交领取人签收' : '已登记寄递，请打印送达回执');
        await print(r.document);
      }
      setAction(null);
      await load();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer open={caseId !== null} onClose={props.onClose} width={720} title={detail ? `办件 ${detail.caseNo}` : '办件详情'} destroyOnHidden data-testid="case-detail">
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {!detail && !error && <Spin />}
      {detail && (
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label="事项" span={2}>
              {detail.itemName}（{detail.itemCode}）
            </Descriptions.Item>
            <Descriptions.Item label="申请人">{detail.applicantName}</Descriptions.Item>
            <Descriptions.Item label="证件号码">{detail.applicantIdMasked}</Descriptions.Item>
            <Descriptions.Item label="状态">
              <Tag color="blue" data-testid="case-status">
                {CASE_STATUS_NAMES[detail.status]}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label="承诺办结">{detail.promisedDate ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="受理窗口">
              {detail.centerCode} · {detail.windowNo} 号窗口
            </Descriptions.Item>
            <Descriptions.Item label="受理时间">{formatTime(detail.createdAt)}</Descriptions.Item>
          </Descriptions>
          <RevealPii detail={detail} role={role} />

          <div>
            <Typography.Title level={5}>办理</Typography.Title>
            <Space wrap>
              {ACTIONS.map(({ event, kind, danger }) => {
                const refused = refusalOf(detail.status, event, role);
                const button = (
                  <Button danger={danger} disabled={refused !== null} onClick={() => setAction(kind)} data-testid={`action-${kind}`}>
                    {CASE_TRANSITIONS[event].name}
                  </Button>
                );
                return refused ? (
                  <Tooltip key={kind} title={refused}>
                    <span>{button}</span>
                  </Tooltip>
                ) : (
                  <span key={kind}>{button}</span>
                );
              })}
            </Space>
          </div>

          <div>
            <Typography.Title level={5}>文书</Typography.Title>
            {documents.length === 0 ? (
              <Empty description="暂无文书" image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <List
                size="small"
                bordered
                dataSource={documents}
                data-testid="case-documents"
                renderItem={(doc) => (
                  <List.Item
                    actions={[
                      <a key="view" onClick={() => void openDocument(doc.id, false).catch((err) => message.error(errorMessage(err)))}>
                        查看
                      </a>,
                      <Button key="print" size="small" type="primary" onClick={() => void print(doc)} data-testid={`print-${doc.kind}`}>
                        打印
                      </Button>,
                    ]}
                  >
                    <List.Item.Meta
                      title={doc.title}
                      description={
                        <>
                          {doc.documentNo} · {formatTime(doc.createdAt)} · {doc.pages} 页
                          {doc.missingCharacters.length > 0 && (
                            <Typography.Text type="warning">（字库缺字：{doc.missingCharacters.join('')}，打印后请手写补全）</Typography.Text>
                          )}
                        </>
                      }
                    />
                  </List.Item>
                )}
              />
            )}
          </div>

          <div>
            <Typography.Title level={5}>办理过程</Typography.Title>
            <Timeline
              data-testid="case-timeline"
              items={detail.events.map((e) => {
                const notApplied = typeof e.detail.notApplied === 'string' ? e.detail.notApplied : null;
                const moved = e.toStatus && e.fromStatus !== e.toStatus;
                return {
                  // 差评 (不满意/非常不满意) stands out for follow-up, like an operation not applied.
                  color: notApplied || e.type === 'rating-dissatisfied' ? 'red' : moved ? 'blue' : 'gray',
                  children: (
                    <div>
                      <Typography.Text strong>{timelineTypeName(e.type)}</Typography.Text>
                      {moved && (
                        <Typography.Text type="secondary">
                          {' '}
                          {e.fromStatus ? `${stateName(e.fromStatus)} → ` : ''}
                          {stateName(e.toStatus)}
                        </Typography.Text>
                      )}
                      <div>
                        <Typography.Text type="secondary">
                          {formatTime(e.at)} · {e.actor}
                          {e.actorRole ? `（${actorRoleName(e.actorRole)}）` : ''}
                          {e.centerCode ? ` · ${e.centerCode}` : ''}
                          {e.windowNo ? ` · ${e.windowNo} 号窗口` : ''} · {e.device === 'backoffice' ? '区级后台' : e.device}
                        </Typography.Text>
                      </div>
                      {typeof e.detail.reason === 'string' && <div>原因：{e.detail.reason}</div>}
                      {typeof e.detail.levelName === 'string' && (
                        <div data-testid={`timeline-${e.type}`}>
                          {e.type === 'rating-dissatisfied' ? <Tag color="red">差评</Tag> : null}
                          {e.detail.levelName}
                          {typeof e.detail.comment === 'string' ? `：${e.detail.comment}` : ''}
                        </div>
                      )}
                      {notApplied && <Typography.Text type="danger">未执行：{notApplied}</Typography.Text>}
                    </div>
                  ),
                };
              })}
            />
          </div>
        </Space>
      )}
      <ActionModal kind={action} applicant={{ name: detail?.applicantName ?? '' }} busy={busy} onCancel={() => setAction(null)} onSubmit={(v) => void submit(v)} />
    </Drawer>
  );
}
