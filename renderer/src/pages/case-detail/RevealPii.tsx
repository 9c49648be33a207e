/**
 * 查看完整信息 in the case detail: a supervisor or admin gives a reason, the core returns the
 * full ID and mobile numbers (and address detail) of the case through `pii.reveal` (each view audited with the
 * reason, never the value), and they are shown for a short time only, then hidden again.
 */
import { Alert, App, Button, Descriptions, Form, Input, Modal, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { CaseActorRole } from '../../../../shared/cases/state-machine';
import type { CaseDetail } from '../../../../shared/contract/channels';
import { REVEAL_FIELDS } from '../../../../shared/contract/privacy';
import { api } from '../../api/client';
import { errorMessage } from '../../api/hooks';

type RevealField = (typeof REVEAL_FIELDS)[number];

/** How long the full values stay on screen. */
const REVEAL_SECONDS = 30;

const LABELS: Record<RevealField, string> = {
  applicantIdNo: '申请人证件号码',
  applicantMobile: '申请人手机号码',
  agentIdNo: '经办人公民身份号码',
  agentMobile: '经办人手机号码',
  applicantAddress: '详细地址',
};

const block = (data: Record<string, unknown>, key: string) => (data[key] && typeof data[key] === 'object' ? (data[key] as Record<string, unknown>) : {});

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAddress = (v: unknown): v is { detail: string } => isObject(v) && 'division' in v && typeof v.detail === 'string';
/** The first address block, as the core picks it for `applicantAddress` (electron/retention/pii.ts). */
function firstAddress(form: Json): { detail: string } | undefined {
  const top = Object.values(form);
  return top.find(isAddress) ?? top.filter(isObject).flatMap((b) => Object.values(b)).find(isAddress);
}

/** The masked fields this case has, as cases.get shows them. */
function maskedFields(detail: CaseDetail): { field: RevealField; masked: string }[] {
  const applicant = block(detail.formData, 'applicant');
  const agent = block(detail.formData, 'agent');
  const candidates: [RevealField, unknown][] = [
    ['applicantIdNo', detail.applicantIdMasked],
    ['applicantMobile', applicant.mobile],
    ['agentIdNo', agent.idNumber],
    ['agentMobile', agent.mobile],
    ['applicantAddress', firstAddress(detail.formData)?.detail],
  ];
  return candidates.filter((c): c is [RevealField, string] => typeof c[1] === 'string' && c[1] !== '').map(([field, masked]) => ({ field, masked }));
}

export function RevealPii(props: { detail: CaseDetail; role: CaseActorRole }) {
  const { detail } = props;
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<{ field: RevealField; value: string | null }[] | null>(null);
  const [left, setLeft] = useState(0);
  const { message } = App.useApp();
  const fields = maskedFields(detail);

  // The values disappear by themselves; a new case or closing the drawer drops them at once.
  useEffect(() => {
    if (!shown) return;
    if (left <= 0) {
      setShown(null);
      return;
    }
    const t = setTimeout(() => setLeft((n) => n - 1), 1000);
    return () => clearTimeout(t);
  }, [shown, left]);
  useEffect(() => setShown(null), [detail.id]);

  if (props.role !== 'supervisor' && props.role !== 'admin') return null;
  if (fields.length === 0) return null;

  const reveal = async (values: { reason: string }) => {
    setBusy(true);
    try {
      const out = [];
      for (const { field } of fields) out.push(await api.call('pii.reveal', { caseId: detail.id, field, reason: values.reason }));
      setShown(out);
      setLeft(REVEAL_SECONDS);
      setAsking(false);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="pii-reveal">
      {shown ? (
        <Alert
          type="warning"
          showIcon
          data-testid="pii-revealed"
          message={`完整信息（本次查看已记入审计日志，${left} 秒后自动隐藏）`}
          description={
            <Descriptions size="small" column={1}>
              {shown.map((s) => (
                <Descriptions.Item key={s.field} label={LABELS[s.field]}>
                  <Typography.Text copyable={false} data-testid={`pii-value-${s.field}`}>
                    {s.value ?? '（已脱敏或未填写，无完整信息）'}
                  </Typography.Text>
                </Descriptions.Item>
              ))}
            </Descriptions>
          }
          action={
            <Button size="small" onClick={() => setShown(null)}>
              立即隐藏
            </Button>
          }
        />
      ) : (
        <Button onClick={() => setAsking(true)} data-testid="pii-reveal-button">
          查看完整信息
        </Button>
      )}
      <Modal title="查看完整信息" open={asking} onCancel={() => setAsking(false)} footer={null} destroyOnHidden>
        <Typography.Paragraph type="secondary">
          将显示：{fields.map((f) => `${LABELS[f.field]}（${f.masked}）`).join('、')}。查看人、时间、办件和原因将记入审计日志，完整信息 {REVEAL_SECONDS} 秒后自动隐藏。
        </Typography.Paragraph>
        <Form layout="vertical" onFinish={(v: { reason: string }) => void reveal(v)} requiredMark={false}>
          <Form.Item
            label="查看原因"
            name="reason"
            rules={[
              { required: true, whitespace: true, message: '请说明查看原因' },
              { min: 2, message: '查看原因至少 2 个字' },
              { max: 200, message: '查看原因不超过 200 字' },
            ]}
          >
            <Input.TextArea rows={3} placeholder="例如：申请人来电核对联系方式" data-testid="pii-reason" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="pii-reveal-confirm">
            确认查看
          </Button>
        </Form>
      </Modal>
    </div>
  );
}
