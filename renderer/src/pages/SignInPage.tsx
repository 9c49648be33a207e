import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import type { SessionInfo } from '../../../shared/contract/channels';
import { api } from '../api/client';
import { errorMessage, type SystemInfo } from '../api/hooks';

export function SignInPage({ info, onSignedIn }: { info: SystemInfo; onSignedIn: (s: SessionInfo) => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api.call('auth.signIn', values));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ display: 'grid', placeItems: 'center', minHeight: '100vh', background: '#f0f2f5' }}>
      <Card style={{ width: 400 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          全科窗口受理工作台
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {info.centerName} · {info.windowNo} 号窗口{info.training ? ' · 培训模式' : ''}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="signin-error" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input autoFocus autoComplete="username" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}
