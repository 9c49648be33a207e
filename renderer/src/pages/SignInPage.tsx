import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { SessionInfo } from '../../../shared/contract/channels';
import { ContractError } from '../../../shared/contract/errors';
import { api } from '../api/client';
import { errorMessage, type SystemInfo } from '../api/hooks';

/** Seconds to wait from a RATE_LIMITED refusal (browser mode: 429 with Retry-After, echoed in details). */
function retryAfterOf(err: ContractError): number {
  const details = err.details as { retryAfterSeconds?: unknown } | undefined;
  const fromDetails = Number(details?.retryAfterSeconds);
  if (Number.isFinite(fromDetails) && fromDetails > 0) return Math.ceil(fromDetails);
  const fromText = Number(/(\d+)\s*秒/.exec(err.message)?.[1]);
  return Number.isFinite(fromText) && fromText > 0 ? fromText : 60;
}

/** "45 秒" or "4 分 05 秒". */
function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} 秒`;
  return `${Math.floor(seconds / 60)} 分 ${String(seconds % 60).padStart(2, '0')} 秒`;
}

export function SignInPage({ info, onSignedIn }: { info: SystemInfo; onSignedIn: (s: SessionInfo) => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Throttled: the moment another attempt is accepted, and the seconds left (ticks every second).
  const [until, setUntil] = useState<number | null>(null);
  const [left, setLeft] = useState(0);

  useEffect(() => {
    if (until === null) return;
    const tick = () => {
      const s = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setLeft(s);
      if (s === 0) setUntil(null);
    };
    tick();
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, [until]);

  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api.call('auth.signIn', values));
    } catch (err) {
      if (err instanceof ContractError && err.code === 'RATE_LIMITED') {
        const wait = retryAfterOf(err);
        setLeft(wait);
        setUntil(Date.now() + wait * 1000);
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const throttled = until !== null && left > 0;
  return (
    <div style={{ display: 'grid', placeItems: 'center', minHeight: '100vh', background: '#f0f2f5' }}>
      <Card style={{ width: 400 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          全科窗口受理工作台
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {info.centerName} · {info.windowNo} 号窗口{info.training ? ' · 培训模式' : ''}
        </Typography.Paragraph>
        {throttled && (
          <Alert
            type="warning"
            showIcon
            message={`登录失败次数过多，请 ${waitText(left)}后再试`}
            description="为保护账户安全，本机已暂停登录尝试。请确认用户名和密码；如忘记密码，请联系管理员重置。"
            style={{ marginBottom: 16 }}
            data-testid="signin-rate-limited"
          />
        )}
        {error && !throttled && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="signin-error" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input autoFocus autoComplete="username" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} disabled={throttled}>
            {throttled ? `请等待 ${waitText(left)}` : '登录'}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
