import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import type { SessionInfo } from '../../../shared/contract/channels';
import { api } from '../api/client';
import { errorMessage } from '../api/hooks';

/** Shown after the idle time: the citizen at the counter sees nothing of the last case. */
export function LockScreen(props: { session: SessionInfo; onUnlocked: (s: SessionInfo) => void; onSignOut: () => void }) {
  const [error, setError] = useState<string>();
  const submit = async (values: { password: string }) => {
    try {
      props.onUnlocked(await api.call('auth.unlock', values));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div style={{ display: 'grid', placeItems: 'center', minHeight: '100vh', background: '#001529' }}>
      <Card style={{ width: 380 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          屏幕已锁定
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {props.session.user.displayName}，超过 {props.session.idleLockMinutes} 分钟无操作，请输入密码继续。
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Form onFinish={submit}>
          <Form.Item name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoFocus placeholder="密码" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block>
            解锁
          </Button>
          <Button type="link" block onClick={() => api.call('auth.signOut', {}).finally(props.onSignOut)}>
            切换用户
          </Button>
        </Form>
      </Card>
    </div>
  );
}
