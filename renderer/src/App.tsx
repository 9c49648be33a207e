import { App as AntApp, Alert, Layout, Menu, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SessionInfo } from '../../shared/contract/channels';
import { roleMay } from '../../shared/auth/permissions';
import { ROLE_NAMES } from '../../shared/auth/roles';
import { api } from './api/client';
import { useSystemInfo } from './api/hooks';
import { SyncStatusBar } from './components/SyncStatusBar';
import { CasesPage } from './pages/CasesPage';
import { DashboardPage } from './pages/DashboardPage';
import type { CaseListLink } from './pages/dashboard/DeadlineList';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { IntakePage } from './pages/IntakePage';
import { LockScreen } from './pages/LockScreen';
import { SettingsPage } from './pages/SettingsPage';
import { SignInPage } from './pages/SignInPage';
import { UsersPage } from './pages/UsersPage';
import { SupplementsMenuLabel, SupplementsPage, useSupplementCount } from './pages/SupplementsPage';
import { ApplicantScreen, isApplicantRoute } from './pages/applicant/ApplicantScreen';

type PageKey = 'intake' | 'cases' | 'supplements' | 'dashboard' | 'settings' | 'users';

/** Sends activity at most every 30 s and checks for the idle lock once a minute. */
function useIdleTracking(session: SessionInfo | null, onLocked: () => void) {
  const lastSent = useRef(0);
  useEffect(() => {
    if (!session || session.locked || session.mustChangePassword) return;
    const activity = () => {
      const t = Date.now();
      if (t - lastSent.current < 30_000) return;
      lastSent.current = t;
      api.call('auth.activity', {}).then((r) => r.locked && onLocked(), () => {});
    };
    const check = setInterval(() => {
      api.call('auth.session', {}).then((s) => s?.locked && onLocked(), () => {});
    }, 60_000);
    window.addEventListener('keydown', activity);
    window.addEventListener('mousedown', activity);
    return () => {
      clearInterval(check);
      window.removeEventListener('keydown', activity);
      window.removeEventListener('mousedown', activity);
    };
  }, [session, onLocked]);
}

export function App() {
  // The citizen-facing screen (second tab or window) never shows the clerk's workstation.
  return isApplicantRoute() ? <ApplicantScreen /> : <ClerkApp />;
}

function ClerkApp() {
  const info = useSystemInfo();
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [page, setPage] = useState<PageKey>('intake');
  // The dashboard opens the case list on a case or a deadline filter; a new key remounts the list with it.
  const [caseLink, setCaseLink] = useState<{ key: number; link?: CaseListLink }>({ key: 0 });
  useEffect(() => {
    if (page !== 'cases') setCaseLink((c) => (c.link ? { key: c.key + 1 } : c));
  }, [page]);

  useEffect(() => {
    api.call('auth.session', {}).then(setSession, () => setSession(null));
    return api.onEvent((event) => {
      if (event.type === 'session.locked') setSession((s) => (s ? { ...s, locked: true } : s));
    });
  }, []);

  const lock = useCallback(() => setSession((s) => (s ? { ...s, locked: true } : s)), []);
  // 待补正 to-dos are the window's (clerk, supervisor): their count is the navigation badge.
  const atWindow = !!session && !session.locked && !session.mustChangePassword && session.user.role !== 'admin';
  const supplementCount = useSupplementCount(atWindow);
  useIdleTracking(session ?? null, lock);

  // F2 intake, F3 case list: the clerk's hands stay on the keyboard.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F2') {
        e.preventDefault();
        setPage('intake');
      } else if (e.key === 'F3') {
        e.preventDefault();
        setPage('cases');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (session === undefined || !info) {
    return (
      <div style={{ display: 'grid', placeItems: 'center', height: '100vh' }}>
        <Spin size="large" />
      </div>
    );
  }
  if (session === null) return <SignInPage info={info} onSignedIn={setSession} />;
  if (session.mustChangePassword) return <ChangePasswordPage session={session} onChanged={setSession} onSignOut={() => setSession(null)} />;
  if (session.locked) return <LockScreen session={session} onUnlocked={setSession} onSignOut={() => setSession(null)} />;

  const isAdmin = session.user.role === 'admin';
  // The same permission matrix the core enforces decides whether the menu shows.
  const canSeeDashboard = roleMay(session.user.role, 'dashboard.summary');
  const items = [
    { key: 'intake', label: '受理（F2）' },
    { key: 'cases', label: '办件（F3）' },
    ...(atWindow ? [{ key: 'supplements', label: <SupplementsMenuLabel count={supplementCount} /> }] : []),
    ...(canSeeDashboard ? [{ key: 'dashboard', label: '中心看板' }] : []),
    ...(isAdmin ? [{ key: 'users', label: '用户' }, { key: 'settings', label: '设置' }] : []),
  ];
  const signOut = async () => {
    await api.call('auth.signOut', {}).catch(() => {});
    setSession(null);
  };

  return (
    <AntApp>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 16 }}>
          <Typography.Text strong style={{ color: '#fff', whiteSpace: 'nowrap' }}>
            OneWindow 全科窗口受理工作台
          </Typography.Text>
          <Menu
            theme="dark"
            mode="horizontal"
            selectedKeys={[page]}
            items={items}
            onClick={(e) => setPage(e.key as PageKey)}
            style={{ flex: 1, minWidth: 0 }}
          />
          <Typography.Text style={{ color: '#ddd', whiteSpace: 'nowrap' }} data-testid="whoami">
            {info.centerName} · {info.windowNo} 号窗口 · {session.user.displayName}（{ROLE_NAMES[session.user.role]}）
          </Typography.Text>
          <a onClick={signOut} style={{ color: '#fff' }}>
            退出
          </a>
        </Layout.Header>
        {info.training && <Alert type="warning" banner message="培训模式：演示中心与内置后台，数据仅用于培训" />}
        <Layout.Content style={{ padding: 16 }}>
          {page === 'intake' && <IntakePage onAccepted={() => undefined} />}
          {page === 'cases' && <CasesPage key={caseLink.key} initialFilter={caseLink.link} canExport={session.user.role !== 'clerk'} />}
          {page === 'supplements' && atWindow && <SupplementsPage />}
          {page === 'dashboard' && canSeeDashboard && (
            <DashboardPage
              onOpenCases={(link) => {
                setCaseLink((c) => ({ key: c.key + 1, link }));
                setPage('cases');
              }}
            />
          )}
          {page === 'users' && isAdmin && <UsersPage />}
          {page === 'settings' && isAdmin && <SettingsPage />}
        </Layout.Content>
        <Layout.Footer style={{ textAlign: 'center', padding: 8 }}>
          <SyncStatusBar /> <Tag>{info.transport === 'electron' ? '桌面版' : '浏览器模式'}</Tag> 版本 {info.version}
        </Layout.Footer>
      </Layout>
    </AntApp>
  );
}
