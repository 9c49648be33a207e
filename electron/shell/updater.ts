/**
 * Updates from the district intranet with electron-updater (generic provider at the
 * `updateUrl` setting). The decisions live in the Electron-free core (electron/updates): whether
 * this window is in the staged rollout (`stagingPercentage` in latest.yml against the window's
 * stable bucket), and when a downloaded update may be installed (never while a draft is open or
 * an intake is going on; at the next idle moment, or when the app quits).
 * Type-checked only: our build machines cannot run Electron.
 */
import electronUpdater from 'electron-updater';
import { createInstallPolicy, isInRollout, rolloutBucket, rolloutKey, type InstallPolicy } from '../updates';

const { autoUpdater } = electronUpdater;

export interface UpdaterOptions {
  /** The `updateUrl` setting; empty: updates are off. */
  updateUrl: string;
  centerCode: string;
  windowNo: string;
  log: (line: string) => void;
  /** How often to look for an update (default every 4 hours) and to re-check idleness (30 s). */
  checkEveryMs?: number;
  pollEveryMs?: number;
}

export interface ShellUpdater {
  policy: InstallPolicy;
  stop(): void;
}

export function startUpdater(o: UpdaterOptions): ShellUpdater | undefined {
  const policy = createInstallPolicy();
  if (!o.updateUrl) {
    o.log('[update] 未配置更新服务器地址（updateUrl），不自动更新');
    return { policy, stop: () => undefined };
  }
  const bucket = rolloutBucket(rolloutKey(o.centerCode, o.windowNo));
  autoUpdater.setFeedURL({ provider: 'generic', url: o.updateUrl });
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.allowDowngrade = false;
  autoUpdater.allowPrerelease = false;
  // Our bucket, not electron-updater's random per-install id: the same windows go first every time.
  autoUpdater.isUserWithinRollout = (info) => {
    const inside = isInRollout(info.stagingPercentage, bucket);
    o.log(`[update] 发现 ${info.version}（分批比例 ${info.stagingPercentage ?? 100}%，本窗口序位 ${bucket.toFixed(2)}）：${inside ? '本批更新' : '暂不更新'}`);
    return inside;
  };
  autoUpdater.logger = {
    info: (m?: unknown) => o.log(`[update] ${String(m)}`),
    warn: (m?: unknown) => o.log(`[update] warn ${String(m)}`),
    error: (m?: unknown) => o.log(`[update] error ${String(m)}`),
    debug: () => undefined,
  };
  autoUpdater.on('update-downloaded', (info) => {
    policy.downloaded(info.version);
    o.log(`[update] ${info.version} 已下载，将在空闲时或退出时安装`);
  });
  autoUpdater.on('error', (err) => o.log(`[update] 检查或下载更新失败：${err.message}`));

  const check = () => void autoUpdater.checkForUpdates().catch((err: unknown) => o.log(`[update] 检查更新失败：${(err as Error).message}`));
  check();
  const checker = setInterval(check, o.checkEveryMs ?? 4 * 60 * 60_000);
  const poller = setInterval(() => {
    const decision = policy.decide();
    if (decision.action === 'install-now') {
      o.log(`[update] 空闲，安装 ${decision.version} 并重新启动`);
      autoUpdater.quitAndInstall(true, true);
    }
  }, o.pollEveryMs ?? 30_000);
  return {
    policy,
    stop() {
      clearInterval(checker);
      clearInterval(poller);
    },
  };
}
