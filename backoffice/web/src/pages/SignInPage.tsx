/** Reviewer sign-in: user name and password; the back office's Chinese message on failure. */
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { errorText, ReviewClient, type Session } from '../api';

interface Props {
  onSignedIn(session: Session): void;
  /** Why the reviewer is here again (session expired…). */
  notice?: string;
}

export function SignInPage({ onSignedIn, notice }: Props) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await ReviewClient.login(values.username.trim(), values.password));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signin">
      <Card className="signin-card" title="栖霞区政务服务 · 后台审批">
        <Typography.Paragraph type="secondary">各部门审批人员使用本部门账号登录，办理并联审批任务。</Typography.Paragraph>
        {notice && !error && <Alert type="warning" showIcon title={notice} className="signin-alert" data-testid="signin-notice" />}
        {error && <Alert type="error" showIcon title={error} className="signin-alert" data-testid="signin-error" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false} autoComplete="off">
          <Form.Item label="用户名" name="username" rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}>
            <Input autoFocus autoComplete="username" data-testid="signin-username" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoComplete="current-password" data-testid="signin-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="signin-submit">
            登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}
