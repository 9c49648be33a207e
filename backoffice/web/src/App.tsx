/**
 * The reviewers' UI: sign in, then the department's queue (#/) or one case (#/cases/<id>).
 * The location hash keeps the browser's back button and a page reload working.
 */
import { App as AntApp, Button, Layout, Space, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { loadSession, ReviewClient, type Session } from './api';
import { departmentName } from './names';
import { CasePage } from './pages/CasePage';
import { DevicesPage } from './pages/DevicesPage';
import { QueuePage } from './pages/QueuePage';
import { SignInPage } from './pages/SignInPage';

function caseIdFromHash(): string | undefined {
  return /^#\/cases\/([0-9A-Za-z]+)$/.exec(window.location.hash)?.[1];
}

function useHashDevices(): boolean {
  const [on, setOn] = useState(() => window.location.hash === '#/devices');
  useEffect(() => {
    const onChange = () => setOn(window.location.hash === '#/devices');
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return on;
}

function useHashCase(): [string | undefined, (caseId?: string) => void] {
  const [caseId, setCaseId] = useState(caseIdFromHash);
  useEffect(() => {
    const onChange = () => setCaseId(caseIdFromHash());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const go = useCallback((id?: string) => {
    window.location.hash = id ? `#/cases/${id}` : '#/';
  }, []);
  return [caseId, go];
}

export function App() {
  const { message } = AntApp.useApp();
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string>();
  const [caseId, openCase] = useHashCase();
  const devices = useHashDevices();
  const [lastCaseId, setLastCaseId] = useState<string>();

  const signedOut = useCallback((why: string) => {
    setNotice(why);
    setSession(null);
  }, []);
  const client = useMemo(() => (session ? new ReviewClient(session, signedOut) : null), [session, signedOut]);

  const backToQueue = useCallback(() => openCase(undefined), [openCase]);
  const decided = useCallback(
    (text: string) => {
      void message.success(text, 5);
      openCase(undefined);
    },
    [message, openCase],
  );

  if (!client) {
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(s) => {
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  }

  const { reviewer } = client;
  return (
    <Layout className="shell">
      <Layout.Header className="shell-header">
        <Typography.Text strong className="shell-title">
          后台审批
        </Typography.Text>
        <Space>
          {reviewer.itAdmin && (
            <Button size="small" onClick={() => (window.location.hash = '#/devices')} data-testid="open-devices">
              窗口状态
            </Button>
          )}
          <Typography.Text className="shell-user" data-testid="reviewer">
            {departmentName(reviewer.department)} · {reviewer.displayName}
          </Typography.Text>
          <Button
            size="small"
            onClick={() => {
              void client.logout();
              setNotice('已退出登录');
              setSession(null);
              openCase(undefined);
            }}
          >
            退出登录
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content className="shell-content">
        {devices && reviewer.itAdmin ? (
          <DevicesPage client={client} onBack={backToQueue} />
        ) : caseId ? (
          <CasePage key={caseId} client={client} caseId={caseId} onBack={backToQueue} onDecided={decided} />
        ) : (
          <QueuePage
            client={client}
            lastCaseId={lastCaseId}
            onOpen={(item) => {
              setLastCaseId(item.caseId);
              openCase(item.caseId);
            }}
          />
        )}
      </Layout.Content>
    </Layout>
  );
}
