/**
 * 申请人屏: the page on the monitor facing the citizen (a second window in Electron, a second
 * tab in browser mode), paired with the clerk's session. It shows only what the core's
 * applicant display holds for that session — one case at a time — and takes the signature and
 * the 好差评 rating. No clerk menu, no navigation, large type.
 */
import { Alert, Button, Card, Descriptions, Input, Layout, List, Result, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { RATING_LEVELS, RATING_NAMES, SIGNATURE_PURPOSE_NAMES, type ApplicantSummary, type ApplicantView } from '../../../../shared/contract/applicant';
import { api } from '../../api/client';
import { errorMessage, useSystemInfo } from '../../api/hooks';
import { SignatureBox } from '../../components/signature/SignaturePad';

const EMPTY: ApplicantView = { version: -1, stage: 'idle', summary: null, signed: [], signature: null, rating: null, message: null };
/** Re-binds the event stream to the current session cookie (after the clerk signs in again); sends no call. */
const RESUBSCRIBE_MS = 15_000;

function useApplicantView(): ApplicantView {
  const [view, setView] = useState<ApplicantView>(EMPTY);
  const latest = useRef(-1);
  const load = useCallback(() => {
    api.call('applicant.view', {}).then(
      (v) => {
        if (v.version < latest.current) return;
        latest.current = v.version;
        setView(v);
      },
      // Signed out or locked: the screen is empty, never the last citizen's data.
      () => setView(EMPTY),
    );
  }, []);
  useEffect(() => {
    load();
    let unsubscribe = () => {};
    const subscribe = () => {
      unsubscribe();
      unsubscribe = api.onEvent((event) => {
        if (event.type === 'applicant.display') load();
        else if (event.type === 'session.locked') setView(EMPTY);
      });
    };
    subscribe();
    const timer = setInterval(subscribe, RESUBSCRIBE_MS);
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }, [load]);
  return view;
}

function Summary({ summary }: { summary: ApplicantSummary }) {
  return (
    <Card title="请核对您的办件信息" data-testid="applicant-summary" styles={{ title: { fontSize: 22 } }}>
      <Descriptions column={2} size="middle" labelStyle={{ fontSize: 18 }} contentStyle={{ fontSize: 18 }}>
        <Descriptions.Item label="办理事项" span={2}>
          <span data-testid="applicant-item">{summary.itemName}</span>（{summary.departmentName}）
        </Descriptions.Item>
        {summary.caseNo && (
          <Descriptions.Item label="办件编号" span={2}>
            <span data-testid="applicant-case-no">{summary.caseNo}</span>
          </Descriptions.Item>
        )}
        <Descriptions.Item label="申请人">
          <span data-testid="applicant-name">{summary.applicantName}</span>
        </Descriptions.Item>
        <Descriptions.Item label="证件号码">
          <span data-testid="applicant-id">{summary.applicantIdMasked || '—'}</span>
        </Descriptions.Item>
        <Descriptions.Item label={summary.promisedDateEstimated ? '预计办结日期' : '承诺办结日期'}>
          <span data-testid="applicant-promised">
            {summary.promisedDays === 0 ? '即办' : (summary.promisedDate ?? '以后台确认为准')}
            {summary.promisedDays > 0 && `（${summary.promisedDays} 个工作日）`}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label="收费">
          <span data-testid="applicant-fees">{summary.fees}</span>
        </Descriptions.Item>
      </Descriptions>
      {summary.fields.length > 0 && (
        <Descriptions title="填报信息" column={2} size="small" bordered style={{ marginTop: 12 }}>
          {summary.fields.map((f, i) => (
            <Descriptions.Item key={i} label={f.label}>
              {f.value}
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        已收取材料
      </Typography.Title>
      <List
        size="small"
        data-testid="applicant-materials"
        dataSource={summary.materials}
        locale={{ emptyText: '暂无' }}
        renderItem={(m) => (
          <List.Item>
            <span style={{ fontSize: 16 }}>{m.name}</span> <Tag>{m.status}</Tag>
          </List.Item>
        )}
      />
    </Card>
  );
}

function Rating({ view }: { view: ApplicantView }) {
  const [level, setLevel] = useState<number>();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const rating = view.rating!;
  const submit = async () => {
    if (!level) return setError('请选择评价等级');
    setBusy(true);
    try {
      await api.call('applicant.rate', { requestId: rating.requestId, level, ...(comment.trim() ? { comment: comment.trim() } : {}) });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="请您对本次服务进行评价（好差评）" data-testid="applicant-rating" styles={{ title: { fontSize: 22 } }}>
      <Typography.Paragraph style={{ fontSize: 18 }}>
        办件编号 {rating.caseNo} · {rating.itemName}
      </Typography.Paragraph>
      <Space wrap size="large">
        {RATING_LEVELS.map((l) => (
          <Button key={l} size="large" type={level === l ? 'primary' : 'default'} danger={l <= 2 && level === l} onClick={() => setLevel(l)} data-testid={`rating-level-${l}`} style={{ minWidth: 120, height: 64, fontSize: 20 }}>
            {RATING_NAMES[l]}
          </Button>
        ))}
      </Space>
      <Input.TextArea
        rows={3}
        maxLength={500}
        showCount
        placeholder="意见或建议（选填）"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        style={{ marginTop: 16, fontSize: 18 }}
        data-testid="rating-comment"
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
      <Button type="primary" size="large" onClick={() => void submit()} loading={busy} disabled={!level} style={{ marginTop: 16 }} data-testid="rating-submit">
        提交评价
      </Button>
    </Card>
  );
}

export function ApplicantScreen() {
  const info = useSystemInfo();
  const view = useApplicantView();
  const [busy, setBusy] = useState(false);

  const sign = async (pngBase64: string) => {
    if (!view.signature) return;
    setBusy(true);
    try {
      await api.call('applicant.sign', { requestId: view.signature.requestId, pngBase64, source: 'applicant-screen' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Layout style={{ minHeight: '100vh', background: '#f5f7fa' }} data-testid="applicant-screen" data-stage={view.stage}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center' }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: 20 }}>
          {info ? `${info.centerName} · ${info.windowNo} 号窗口` : '政务服务中心'}
        </Typography.Text>
      </Layout.Header>
      <Layout.Content style={{ padding: 24, maxWidth: 1100, width: '100%', margin: '0 auto' }}>
        {view.message && <Alert type="success" showIcon message={view.message} style={{ marginBottom: 16, fontSize: 18 }} data-testid="applicant-message" />}
        {view.stage === 'idle' && <Result status="info" title="欢迎办理" subTitle="请稍候，工作人员正在为您服务" data-testid="applicant-idle" />}
        {view.stage === 'thanks' && <Result status="success" title="感谢您的评价！" subTitle="祝您生活愉快" data-testid="applicant-thanks" />}
        {(view.stage === 'confirm' || view.stage === 'sign') && view.summary && <Summary summary={view.summary} />}
        {view.signed.length > 0 && (view.stage === 'confirm' || view.stage === 'sign') && (
          <Space style={{ marginTop: 12 }}>
            {view.signed.map((s) => (
              <Tag color="green" key={s.purpose} data-testid={`applicant-signed-${s.purpose}`}>
                {SIGNATURE_PURPOSE_NAMES[s.purpose]}已签名
              </Tag>
            ))}
          </Space>
        )}
        {view.stage === 'sign' && view.signature && (
          <Card title={`请签名：${view.signature.documentTitle}`} style={{ marginTop: 16 }} data-testid="applicant-sign" styles={{ title: { fontSize: 22 } }}>
            <Typography.Paragraph style={{ fontSize: 18 }}>{view.signature.statement}</Typography.Paragraph>
            <SignatureBox key={view.signature.requestId} onSubmit={sign} busy={busy} height={260} testId="signature" />
          </Card>
        )}
        {view.stage === 'rate' && view.rating && <Rating key={view.rating.requestId} view={view} />}
      </Layout.Content>
    </Layout>
  );
}

/** The applicant screen is opened at #/applicant (a second tab, or Electron's second window). */
export const isApplicantRoute = () => window.location.hash.startsWith('#/applicant');
