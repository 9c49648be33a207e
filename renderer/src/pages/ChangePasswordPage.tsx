import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { checkPasswordStrength } from '../../../shared/auth/roles';
import type { SessionInfo } from '../../../shared/contract/channels';
import { api } from '../api/client';
import { errorMessage } from '../api/hooks';

export function ChangePasswordPage(props: { session: SessionInfo; onChanged: (s: SessionInfo) => void; onSignOut: () => void }) {
  const [error, setError] = useState<string>();
  const submit = async (values: { currentPassword: string; newPassword: string }) => {
    setError(undefined);
    try {
      props.onChanged(await api.call('auth.changePassword', { currentPassword: values.currentPassword, newPassword: values.newPassword }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div style={{ display: 'grid', placeItems: 'center', minHeight: '100vh', background: '#f0f2f5' }}>
      <Card style={{ width: 420 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          请修改初始密码
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {props.session.user.displayName}，您正在使用一次性密码。设置新密码后即可开始办理业务（至少 10 位，包含字母和数字）。
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label="当前密码" name="currentPassword" rules={[{ required: true, message: '请输入当前密码' }]}>
            <Input.Password autoFocus autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            label="新密码"
            name="newPassword"
            rules={[{ validator: async (_r, v: string) => { const msg = checkPasswordStrength(v ?? ''); if (msg) throw new Error(msg); } }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            label="确认新密码"
            name="confirm"
            dependencies={['newPassword']}
            rules={[({ getFieldValue }) => ({ validator: async (_r, v: string) => { if (v !== getFieldValue('newPassword')) throw new Error('两次输入的新密码不一致'); } })]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block>
            保存新密码
          </Button>
          <Button type="link" block onClick={() => api.call('auth.signOut', {}).finally(props.onSignOut)}>
            退出登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}
