/**
 * The department's opinion on its task: approve, refuse (reason required) or request a
 * supplement (补正: materials wanted and a reason required). Asks for confirmation before
 * sending; the back office's Chinese error message is shown as is. Ctrl+Enter submits.
 */
import { Alert, App, Button, Form, Input, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import type { Decision, DecisionRequest, DecisionResponse, ReviewCaseResponse, WantedMaterial } from '../../../../shared/sync';
import { errorText, type ReviewClient } from '../api';
import { caseStatusName, DECISION_NAMES } from '../names';

interface Values {
  decision: Decision;
  reason?: string;
  materialsWanted?: string[];
}

interface Props {
  client: ReviewClient;
  taskId: string;
  materials: ReviewCaseResponse['materials'];
  onDecided(response: DecisionResponse, decision: Decision): void;
}

const REASON_LABELS: Record<Decision, string> = {
  approve: '审查意见（选填）',
  refuse: '不予许可理由',
  supplement: '补正理由',
};

const REASON_REQUIRED: Record<Decision, string | undefined> = {
  approve: undefined,
  refuse: '请填写不予许可的理由',
  supplement: '请填写要求补正的理由',
};

/** Tags typed by the reviewer become free-text materials; picked ones keep their material id. */
function wantedMaterials(values: string[], materials: ReviewCaseResponse['materials']): WantedMaterial[] {
  return values.map((v) => {
    const known = materials.find((m) => m.materialId === v);
    return known ? { name: known.name, materialId: known.materialId } : { name: v.trim().slice(0, 80) };
  });
}

export function DecisionForm({ client, taskId, materials, onDecided }: Props) {
  const { modal } = App.useApp();
  const [form] = Form.useForm<Values>();
  const decision = Form.useWatch('decision', form) ?? 'approve';
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);

  const send = async (values: Values) => {
    const reason = values.reason?.trim();
    const request: DecisionRequest = {
      decision: values.decision,
      ...(reason ? { reason } : {}),
      ...(values.decision === 'supplement' ? { materialsWanted: wantedMaterials(values.materialsWanted ?? [], materials) } : {}),
    };
    setSending(true);
    setError(undefined);
    try {
      onDecided(await client.decide(taskId, request), values.decision);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSending(false);
    }
  };

  const confirm = async () => {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return; // the fields show their messages
    }
    const wanted = values.decision === 'supplement' ? wantedMaterials(values.materialsWanted ?? [], materials) : [];
    modal.confirm({
      title: `确认提交审查意见：${DECISION_NAMES[values.decision]}？`,
      content: (
        <div data-testid="decision-confirm">
          {values.decision === 'approve' && <p>各部门均同意后，系统将自动出具证照并通知受理窗口。</p>}
          {values.decision === 'refuse' && <p>提交后办件即办结为不予许可，其他部门尚未办理的审查任务将取消。</p>}
          {values.decision === 'supplement' && <p>办件将退回受理窗口，通知申请人补正：{wanted.map((w) => w.name).join('、')}。</p>}
          {values.reason?.trim() && <p>理由：{values.reason.trim()}</p>}
          <p>提交后不能撤回。</p>
        </div>
      ),
      okText: '确认提交',
      cancelText: '再看看',
      okButtonProps: { danger: values.decision === 'refuse' },
      focusable: { autoFocusButton: 'ok' },
      onOk: () => send(values),
    });
  };

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={{ decision: 'approve' }}
      data-testid="decision-form"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void confirm();
        }
      }}
    >
      <Form.Item name="decision" label="审查结论" rules={[{ required: true, message: '请选择审查结论' }]}>
        <Radio.Group optionType="button" buttonStyle="solid" data-testid="decision-choice">
          <Radio.Button value="approve">同意</Radio.Button>
          <Radio.Button value="refuse">不予许可</Radio.Button>
          <Radio.Button value="supplement">要求补正</Radio.Button>
        </Radio.Group>
      </Form.Item>
      {decision === 'supplement' && (
        <Form.Item
          name="materialsWanted"
          label="需补正的材料"
          extra="本件材料：输入名称筛选，按 ↓ 选中后回车；其他材料：输入名称后直接回车"
          rules={[{ required: true, type: 'array', min: 1, message: '请列明需要补正的材料' }]}
        >
          <Select
            mode="tags"
            data-testid="materials-wanted"
            placeholder="选择或输入材料名称"
            options={materials.map((m) => ({ value: m.materialId, label: m.name }))}
            optionFilterProp="label"
            tokenSeparators={['，', ',']}
          />
        </Form.Item>
      )}
      <Form.Item
        name="reason"
        label={REASON_LABELS[decision]}
        dependencies={['decision']}
        rules={[
          ...(REASON_REQUIRED[decision] ? [{ required: true, whitespace: true, message: REASON_REQUIRED[decision] }] : []),
          { max: 1000, message: '理由不超过 1000 字' },
        ]}
      >
        <Input.TextArea rows={3} showCount maxLength={1000} data-testid="decision-reason" placeholder={decision === 'approve' ? '可不填' : '将告知受理窗口和申请人'} />
      </Form.Item>
      {error && <Alert type="error" showIcon title={error} className="decision-error" data-testid="decision-error" />}
      <Space>
        <Button type="primary" danger={decision === 'refuse'} loading={sending} onClick={() => void confirm()} data-testid="decision-submit">
          提交审查意见
        </Button>
        <Typography.Text type="secondary">Ctrl+Enter 提交</Typography.Text>
      </Space>
    </Form>
  );
}

/** "办件状态：已批准" after a decision, for the success message. */
export function outcomeText(response: DecisionResponse): string {
  return `办件状态：${caseStatusName(response.caseStatus)}`;
}
