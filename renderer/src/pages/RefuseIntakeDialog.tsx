/**
 * 不予受理 at the intake page: why (one reason a line), on what legal basis, and where the
 * applicant should go instead. The core issues the 不予受理通知书 with the applicant's right to
 * reconsideration and litigation; this dialog only collects what the clerk must state.
 */
import { Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';

export interface RefuseIntakeValues {
  reasons: string[];
  legalBasis: string[];
  redirectTo?: string;
}

const lines = (text: string | undefined): string[] =>
  (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

export function RefuseIntakeDialog(props: { open: boolean; itemName: string; onCancel: () => void; onSubmit: (v: RefuseIntakeValues) => Promise<void> }) {
  const [form] = Form.useForm<{ reasons: string; legalBasis?: string; redirectTo?: string }>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await props.onSubmit({ reasons: lines(v.reasons), legalBasis: lines(v.legalBasis), ...(v.redirectTo?.trim() ? { redirectTo: v.redirectTo.trim() } : {}) });
      form.resetFields();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={`不予受理：${props.itemName}`}
      okText="出具不予受理通知书"
      okButtonProps={{ danger: true, loading: busy, 'data-testid': 'refuse-confirm' } as never}
      cancelText="返回"
      onOk={() => void submit().catch(() => undefined)}
      onCancel={props.onCancel}
      destroyOnHidden
      width={640}
    >
      <Typography.Paragraph type="secondary">通知书将写明理由、依据，并告知申请人可依法申请行政复议或提起行政诉讼。</Typography.Paragraph>
      <Form form={form} layout="vertical" data-testid="refuse-form">
        <Form.Item
          name="reasons"
          label="不予受理的理由（每行一条）"
          rules={[
            { validator: async (_r, value: string | undefined) => (lines(value).length ? undefined : Promise.reject(new Error('请至少写明一条不予受理的理由'))) },
            { validator: async (_r, value: string | undefined) => (lines(value).length <= 10 ? undefined : Promise.reject(new Error('理由最多 10 条'))) },
            { validator: async (_r, value: string | undefined) => (lines(value).every((l) => l.length <= 300) ? undefined : Promise.reject(new Error('每条理由不超过 300 字'))) },
          ]}
        >
          <Input.TextArea autoFocus rows={4} data-testid="refuse-reasons" placeholder="如：申请事项不属于本中心受理范围" />
        </Form.Item>
        <Form.Item
          name="legalBasis"
          label="法律依据（每行一条，可不填）"
          rules={[{ validator: async (_r, value: string | undefined) => (lines(value).length <= 10 && lines(value).every((l) => l.length <= 200) ? undefined : Promise.reject(new Error('最多 10 条，每条不超过 200 字'))) }]}
        >
          <Input.TextArea rows={2} data-testid="refuse-legal-basis" placeholder="如：《中华人民共和国行政许可法》第三十二条第一款第二项" />
        </Form.Item>
        <Form.Item name="redirectTo" label="建议申请人向何处申请（可不填）" rules={[{ max: 200, message: '不超过 200 字' }]}>
          <Input data-testid="refuse-redirect" placeholder="如：南京市市场监督管理局" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
