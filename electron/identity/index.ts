/**
 * 人证核验 and 信用审查 for the window (docs/IDENTITY.md). Plain Node: no `electron` import.
 *
 *   const identity = createIdentityService({ db, dataDir, faceService, audit, now, verifySupervisor });
 *
 * Composition only: the flow is in checks.ts, liveness in liveness.ts, ID-card drivers in
 * id-card/, encrypted face images in face-images.ts, the restricted list in restricted-list.ts.
 */
import { join } from 'node:path';
import { ContractError } from '../../shared/contract/errors';
import type { FaceService } from './face/types';
import { DEFAULT_FLOW, createIdentityFlow, type IdentityAudit, type SupervisorVerifier } from './checks';
import type { IdentityDb } from './db';
import { DEFAULT_RETENTION_DAYS, createFaceImageStore, type FaceImageStore } from './face-images';
import { deriveIdentityKeys, identityKeySource, type IdentityKeySource, type IdentityKeys } from './keys';
import { defaultKeyStore } from '../keys/store';
import { DEFAULT_LIVENESS, type LivenessSettings } from './liveness';
import { createCreditService, type CreditService } from './credit';
import { DEFAULT_STALE_DAYS } from './restricted-list';

export type { IdentityActor, IdentityAudit, IdentityAuditEntry, SupervisorVerifier, IdentitySyncRecord, ReadCardInput } from './checks';
export type { IdentityDb } from './db';
export { createFileKeySource, createSealedKeySource, type IdentityKeySource, type StringSealer } from './keys';
export { commitmentBlocked, creditCommitmentProblems, type CreditFinding, type CreditStanding } from './credit-rules';
export { DEFAULT_LIVENESS, type LivenessSettings } from './liveness';
export { DEFAULT_RETENTION_DAYS } from './face-images';
export * from './id-card';

export interface IdentityServiceOptions {
  db: IdentityDb;
  /** The workstation's data folder: keys/, identity/faces/, training-cards/. */
  dataDir: string;
  faceService: FaceService;
  audit: IdentityAudit;
  now?: () => Date;
  /** Needed for supervisor overrides; see supervisorVerifierFromAuth(). */
  verifySupervisor?: SupervisorVerifier;
  /** Default: the process key store (electron/keys/store.ts defaultKeyStore): `<dataDir>/keys/identity.key` (0600), or OS-sealed in the Electron shell. */
  keys?: IdentityKeySource;
  /** Face images are deleted after this many days (default 30). */
  retentionDays?: number;
  /** Failed attempts before a supervisor must decide (default 3). */
  maxAttempts?: number;
  liveness?: Partial<LivenessSettings>;
  /** The training driver works only while this says so (the workstation's training mode). */
  trainingEnabled?: () => boolean;
  /** Default `<dataDir>/training-cards`. */
  trainingDir?: string;
  /** The restricted list counts as stale after this many days (default 7). */
  restrictedListStaleDays?: number;
  /** Run the purge now and then every so often (default 6 h; 0 = only when asked). */
  purgeIntervalMs?: number;
  randomInt?: (n: number) => number;
}

export type IdentityService = ReturnType<typeof createIdentityFlow> & {
  readonly images: FaceImageStore;
  retentionDays: number;
  creditCheck: CreditService['check'];
  restrictedListStatus: CreditService['status'];
  importRestrictedList: CreditService['importList'];
  purgeFaceImages(): { purged: number; orphans: number };
  close(): void;
};

/**
 * A SupervisorVerifier from the workstation's auth service: a real sign-in (so lockout, the
 * one-time-password rule and the audit of failures apply) whose session is closed at once.
 */
export function supervisorVerifierFromAuth(auth: {
  signIn(username: string, password: string): { id: string; username: string; role: string; mustChangePassword: boolean };
  signOut(sessionId: string): boolean;
}): SupervisorVerifier {
  return (username, password) => {
    const s = auth.signIn(username, password);
    auth.signOut(s.id);
    if (s.mustChangePassword) throw new ContractError('FORBIDDEN', `账户 ${s.username} 尚未修改初始密码，不能用于人工核验`);
    return { username: s.username, role: s.role };
  };
}

export function createIdentityService(options: IdentityServiceOptions): IdentityService {
  const now = options.now ?? (() => new Date());
  const keySource = options.keys ?? identityKeySource(defaultKeyStore(options.dataDir));
  let keys: IdentityKeys | undefined;
  const getKeys = () => (keys ??= deriveIdentityKeys(keySource.masterKey()));
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const staleDays = options.restrictedListStaleDays ?? DEFAULT_STALE_DAYS;
  const images = createFaceImageStore({ db: options.db, dataDir: options.dataDir, key: () => getKeys().faceImages, now, retentionDays });
  const flow = createIdentityFlow({
    db: options.db,
    face: options.faceService,
    audit: options.audit,
    images,
    keys: getKeys,
    now,
    retentionDays,
    settings: { ...DEFAULT_FLOW, maxAttempts: options.maxAttempts ?? DEFAULT_FLOW.maxAttempts, liveness: { ...DEFAULT_LIVENESS, ...options.liveness } },
    ...(options.verifySupervisor ? { verifySupervisor: options.verifySupervisor } : {}),
    training: { enabled: options.trainingEnabled ?? (() => false), dir: options.trainingDir ?? join(options.dataDir, 'training-cards') },
    ...(options.randomInt ? { randomInt: options.randomInt } : {}),
  });

  const credit = createCreditService({ db: options.db, audit: options.audit, now, key: () => getKeys().restrictedList, staleDays });

  function purgeFaceImages() {
    const r = images.purgeExpired();
    if (r.purged > 0 || r.orphans > 0) {
      options.audit.append({ actor: 'system', role: 'system', action: 'identity.faceImages.purge', detail: { purged: r.purged, orphans: r.orphans, retentionDays } });
    }
    return r;
  }

  // Background work, both idempotent and retried at the next tick on failure: the purge of
  // face images past retention, and settling challenges whose page went away.
  const interval = options.purgeIntervalMs ?? 6 * 3_600_000;
  const timers: NodeJS.Timeout[] = [];
  const quietly = (fn: () => unknown) => () => {
    try {
      fn();
    } catch {
      // next tick
    }
  };
  if (interval > 0) {
    setImmediate(quietly(purgeFaceImages)).unref();
    timers.push(setInterval(quietly(purgeFaceImages), interval), setInterval(quietly(flow.expireChallenges), 60_000));
    for (const t of timers) t.unref();
  }

  return {
    ...flow,
    images,
    retentionDays,
    creditCheck: credit.check,
    restrictedListStatus: credit.status,
    importRestrictedList: credit.importList,
    purgeFaceImages,
    close() {
      for (const t of timers) clearInterval(t);
      flow.clear();
    },
  };
}

export { RestrictedListError, parseRestrictedList, type ParsedRestrictedList } from './restricted-list';
export { createCreditService, type CreditCheckInput, type CreditService } from './credit';
