/**
 * The forms of the window's lifecycle actions: 撤回 (reason), 出件 (who collects, checked with
 * the shared ID validator) and 寄递 (recipient, phone, address, carrier, tracking number). The
 * core checks everything again; these checks only spare the clerk a round trip.
 */
import { Form, Input, Modal, Radio, Select } from 'antd';
import { useEffect, useState } from 'react';
import { validateIdCard, validateMobile } from '../../../../shared/validators';
import type { ChannelInput } from '../../../../shared/contract/channels';

export type ActionKind = 'withdraw' | 'hand-out' | 'deliver';

type Collector = ChannelInput<'cases.handOut'>['collector'];
type Delivery = ChannelInput<'cases.deliver'>['delivery'];

export type ActionSubmit =
  | { kind: 'withdraw'; reason: string }
  | { kind: 'hand-out'; collector: Collector }
  | { kind: 'deliver'; delivery: Delivery };

const TITLES: Record<ActionKind, string> = { withdraw: '撤回办件', 'hand-out': '出件（窗口领取）', deliver: '寄递送达' };

const idRule = {
  validator: (_: unknown, v: string) => {
    if (!v) return Promise.reject(new Error('请填写公民身份号码'));
    const r = validateIdCard(v.trim().toUpperCase());
    return r.valid ? Promise.resolve() : Promise.reject(new Error(r.reason));
  },
};
const mobileRule = {
  validator: (_: unknown, v: string) => {
    if (!v) return Promise.reject(new Error('请填写手机号码'));
    const r = validateMobile(v);
    return r.valid ? Promise.resolve() : Promise.reject(new Error(r.reason));
  },
};
const required = (label: string) => [{ required: true, whitespace: true, message: `请填写${label}` }];

export const CARRIERS = ['中国邮政EMS', '顺丰速运', '京东物流', '中通快递', '圆通速递', '韵达快递'];

export function ActionModal(props: {
  kind: ActionKind | null;
  applicant: { name: string };
  busy: boolean;
  onCancel: () => void;
  onSubmit: (value: ActionSubmit) => void;
}) {
  const { kind } = props;
  const [form] = Form.useForm();
  const [collectorKind, setCollectorKind] = useState<'applicant' | 'agent'>('applicant');

  useEffect(() => {
    form.resetFields();
    setCollectorKind('applicant');
    if (kind === 'hand-out') form.setFieldsValue({ kind: 'applicant', name: props.applicant.name });
    if (kind === 'deliver') form.setFieldsValue({ recipientName: props.applicant.name, carrier: CARRIERS[0] });
  }, [kind, form, props.applicant.name]);

  const submit = async () => {
    const v = await form.validateFields();
    if (kind === 'withdraw') props.onSubmit({ kind, reason: v.reason.trim() });
    else if (kind === 'hand-out') {
      props.onSubmit({
        kind,
        collector: {
          kind: v.kind,
          name: v.name.trim(),
          idNumber: v.idNumber.trim().toUpperCase(),
          ...(v.authorization?.trim() ? { authorization: v.authorization.trim() } : {}),
          ...(v.identityCheckId?.trim() ? { identityCheckId: v.identityCheckId.trim() } : {}),
        },
      });
    } else if (kind === 'deliver') {
      props.onSubmit({
        kind,
        delivery: { recipientName: v.recipientName.trim(), recipientPhone: v.recipientPhone.trim(), address: v.address.trim(), carrier: v.carrier, trackingNo: v.trackingNo.trim() },
      });
    }
  };

  return (
    <Modal
      open={kind !== null}
      title={kind ? TITLES[kind] : ''}
      okText={kind === 'withdraw' ? '确认撤回' : '确认并打印送达回执'}
      cancelText="取消"
      okButtonProps={{ danger: kind === 'withdraw', loading: props.busy, ...({ 'data-testid': 'action-confirm' } as Record<string, string>) }}
      onOk={submit}
      onCancel={props.onCancel}
      destroyOnHidden
      forceRender
    >
      <Form form={form} layout="vertical" data-testid={`action-form-${kind ?? 'none'}`}>
        {kind === 'withdraw' && (
          <Form.Item name="reason" label="撤回原因" rules={required('撤回原因')}>
            <Input.TextArea rows={3} maxLength={500} showCount placeholder="如：申请人书面申请撤回" data-testid="withdraw-reason" />
          </Form.Item>
        )}
        {kind === 'hand-out' && (
          <>
            <Form.Item name="kind" label="领取人">
              <Radio.Group onChange={(e) => setCollectorKind(e.target.value)} data-testid="collector-kind">
                <Radio value="applicant">申请人本人</Radio>
                <Radio value="agent">委托代理人</Radio>
              </Radio.Group>
            </Form.Item>
            <Form.Item name="name" label="领取人姓名" rules={required('领取人姓名')}>
              <Input maxLength={50} data-testid="collector-name" />
            </Form.Item>
            <Form.Item name="idNumber" label="领取人公民身份号码" rules={[idRule]}>
              <Input maxLength={18} data-testid="collector-id" />
            </Form.Item>
            {collectorKind === 'agent' && (
              <Form.Item name="authorization" label="授权委托书" rules={required('授权委托书')}>
                <Input maxLength={200} placeholder="如：授权委托书（2026年11月20日）" data-testid="collector-authorization" />
              </Form.Item>
            )}
            <Form.Item name="identityCheckId" label="人证核验记录编号（可选）" extra="已对领取人做人证核验时填写">
              <Input maxLength={40} />
            </Form.Item>
          </>
        )}
        {kind === 'deliver' && (
          <>
            <Form.Item name="recipientName" label="收件人" rules={required('收件人')}>
              <Input maxLength={50} data-testid="delivery-name" />
            </Form.Item>
            <Form.Item name="recipientPhone" label="收件人手机" rules={[mobileRule]}>
              <Input maxLength={20} data-testid="delivery-phone" />
            </Form.Item>
            <Form.Item name="address" label="寄递地址" rules={required('寄递地址')}>
              <Input.TextArea rows={2} maxLength={200} data-testid="delivery-address" />
            </Form.Item>
            <Form.Item name="carrier" label="快递公司" rules={[{ required: true, message: '请选择快递公司' }]}>
              <Select options={CARRIERS.map((c) => ({ value: c, label: c }))} />
            </Form.Item>
            <Form.Item name="trackingNo" label="快递单号" rules={[...required('快递单号'), { pattern: /^[A-Za-z0-9-]{6,40}$/, message: '快递单号应为 6–40 位字母、数字或连字符' }]}>
              <Input maxLength={40} data-testid="delivery-tracking" />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
