/**
 * The workstation side of the chaos suite, as its own process: a real workstation core on a
 * real SQLite file, a real sync engine with the encrypted credential file, scans as files in
 * a content-addressed folder. It accepts cases at a steady pace until the database holds
 * `cases` of them (so a restart after kill -9 carries on where the database says), reports its
 * status to the parent over IPC, and stops cleanly on SIGTERM.
 *
 * Config (JSON in CHAOS_WORKSTATION): { dataDir, catalogDir, blobDir, baseUrl, enrolCode,
 * windowNo, cases, acceptEveryMs, password, tuning }.
 */
import { count } from 'drizzle-orm';
import { join } from 'node:path';
import { cases } from '../../db/schema';
import { createCredentialFile, createSyncEngine, type SyncTuning } from '../../electron/sync';
import { createWorkstation } from '../../electron/workstation';
import { isolatedConfig } from '../helpers/workstation';
import { acceptCase, fileBlobs, materialsFromPlan, type PagePlan } from './sync-fixture';

interface ChildConfig {
  dataDir: string;
  catalogDir: string;
  blobDir: string;
  baseUrl: string;
  enrolCode: string;
  windowNo: string;
  cases: number;
  acceptEveryMs: number;
  password: string;
  plan: PagePlan;
  tuning: Partial<SyncTuning>;
}

const config = JSON.parse(process.env.CHAOS_WORKSTATION ?? '{}') as ChildConfig;
const send = (message: unknown) => process.send?.(message);

async function main() {
  const ws = await createWorkstation({
    transport: 'browser',
    log: () => undefined,
    catalogDir: config.catalogDir,
    config: isolatedConfig(config.dataDir, { windowNo: config.windowNo }),
  });
  // First start: replace the one-time password; later starts sign in with the new one.
  let sessionId: string;
  if (ws.firstAdmin) {
    const first = await ws.dispatch('auth.signIn', { username: 'admin', password: ws.firstAdmin.oneTimePassword }, {});
    sessionId = first.session as string;
    await ws.dispatch('auth.changePassword', { currentPassword: ws.firstAdmin.oneTimePassword, newPassword: config.password }, { sessionId });
  } else {
    sessionId = (await ws.dispatch('auth.signIn', { username: 'admin', password: config.password }, {})).session as string;
  }
  if (!sessionId) throw new Error('sign-in failed');

  const blobs = fileBlobs(config.blobDir);
  const engine = createSyncEngine({
    db: ws.database.db,
    baseUrl: config.baseUrl,
    credentials: createCredentialFile(join(config.dataDir, 'device.cred')),
    blobs,
    materialsForCase: materialsFromPlan(blobs, config.plan),
    approvalFor: (code, version) => ws.catalog.get(code, version).approval,
    now: () => new Date(),
    onEvent: (e) => {
      if (process.env.CHAOS_VERBOSE && e.type === 'sync.status') process.stderr.write(`status ${JSON.stringify(e.status)}\n`);
    },
    deviceLabel: `ws-chaos-${config.windowNo}`,
    tuning: config.tuning,
  });
  if (!engine.status().enrolled) {
    // Retried: the back office may be behind the faulty proxy already.
    for (let attempt = 0; ; attempt++) {
      try {
        await engine.enrol(config.enrolCode, 'chaos-window-pc');
        break;
      } catch (error) {
        if (attempt >= 30 || /登记码/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  engine.start();

  const accepted = () => ws.database.db.select({ n: count() }).from(cases).get()?.n ?? 0;
  const report = () => {
    const s = engine.status();
    const byStatus: Record<string, number> = {};
    for (const row of ws.database.sqlite.prepare('select status, count(*) as n from cases group by status').all() as { status: string; n: number }[]) {
      byStatus[row.status] = row.n;
    }
    send({ type: 'status', accepted: accepted(), backlog: s.backlog, dead: s.dead, online: s.online, lastError: s.lastError, cursor: s.cursor, byStatus });
  };
  const reporter = setInterval(report, 250);
  send({ type: 'ready' });

  let stopping = false;
  process.once('SIGTERM', () => {
    stopping = true;
    void (async () => {
      clearInterval(reporter);
      await engine.stop();
      ws.close();
      process.exit(0);
    })();
  });

  let n = accepted();
  while (!stopping && n < config.cases) {
    await acceptCase(ws, sessionId, n);
    engine.poke();
    n++;
    await new Promise((r) => setTimeout(r, config.acceptEveryMs));
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
