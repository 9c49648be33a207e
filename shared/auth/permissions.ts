/**
 * The permission matrix: who may do what, in one place.
 *
 * Workstation: one row per contract channel (the channel is the action). The dispatcher asks
 * `channelAccess()` on every call, so this table is what the core enforces; a test checks it
 * row by row against the `access` each channel declares in shared/contract (the renderer's
 * documentation) and fails when a channel has no row here.
 *
 * Back office: one row per HTTP route, by principal (anonymous, enrolled device, reviewer of
 * the task's department, reviewer of another department). Back-office administration
 * (enrolment codes, reviewer accounts, device revocation, upload purge) has no HTTP route at
 * all: it is the `onewindow backoffice admin` command on the server, listed here for the record.
 */
import { ROLES, type Role } from './roles';

/** 'public': anyone; 'session': any signed-in user (even one with a one-time password); roles: signed in, password changed, unlocked. */
export type ChannelAccess = 'public' | 'session' | readonly Role[];

const ALL = ROLES;
const SUPERVISOR_UP = ['supervisor', 'admin'] as const;
const COUNTER = ['clerk', 'supervisor'] as const;
const ADMIN = ['admin'] as const;

/** Workstation: contract channel → who may call it. */
export const WORKSTATION_PERMISSIONS = {
  'system.info': 'public',
  'auth.signIn': 'public',
  'auth.session': 'public',
  'auth.signOut': 'public',
  'auth.changePassword': 'session',
  'auth.unlock': 'session',
  'auth.activity': 'session',

  'catalog.search': ALL,
  'catalog.setFavourite': ALL,
  'catalog.get': ALL,

  'cases.accept': ALL,
  'cases.list': ALL,
  'cases.exportCsv': SUPERVISOR_UP,
  'cases.get': ALL,
  'cases.oneTimeNotice': ALL,
  // Lifecycle at the window: the people at the counter, not the system administrator.
  'cases.withdraw': COUNTER,
  'cases.refuseIntake': COUNTER,
  'cases.handOut': COUNTER,
  'cases.deliver': COUNTER,
  'supplements.list': COUNTER,
  'supplements.get': COUNTER,
  'supplements.submit': COUNTER,
  'documents.list': ALL,
  'documents.get': ALL,
  'documents.print': ALL,
  'documents.receipt': ALL,
  'documents.oneTimeNotice': ALL,
  'applicants.lookup': ALL,

  'drafts.save': ALL,
  'drafts.list': ALL,
  'drafts.get': ALL,
  'drafts.discard': ALL,

  'settings.get': ADMIN,
  'settings.update': ADMIN,
  'users.list': ADMIN,
  'users.add': ADMIN,
  'users.resetPassword': ADMIN,
  'users.setLocked': ADMIN,

  'sync.status': ALL,
  'sync.deadLetters': SUPERVISOR_UP,
  'sync.retryDead': SUPERVISOR_UP,
  // The center dashboard (electron/dashboard).
  'dashboard.summary': SUPERVISOR_UP,

  'materials.addPage': ALL,
  'materials.listPages': ALL,
  'materials.reorder': ALL,
  'materials.deletePage': ALL,
  'materials.rotate': ALL,
  'materials.crop': ALL,
  'materials.pageImage': ALL,
  'materials.reuseCandidates': ALL,
  'materials.reuse': ALL,

  'identity.consent.notice': ALL,
  'identity.idcard.read': ALL,
  'identity.idcard.trainingCards': ALL,
  'identity.consent.record': ALL,
  'identity.liveness.start': ALL,
  'identity.liveness.frame': ALL,
  'identity.face.check': ALL,
  // Any clerk may ask; the handler requires a supervisor's own password (audited).
  'identity.face.override': ALL,
  'identity.check.refuse': ALL,
  'identity.check.get': ALL,
  'identity.credit.check': ALL,
  'identity.restrictedList.status': ALL,

  // The applicant-facing second screen (signature, rating), driven from the clerk's session.
  'applicant.show': ALL,
  'applicant.requestSignature': ALL,
  'applicant.requestRating': ALL,
  'applicant.clear': ALL,
  'applicant.view': ALL,
  'applicant.sign': ALL,
  'applicant.rate': ALL,
  'applicant.openScreen': ALL,

  // Full ID number / phone of a case: only supervisors and admins, every view audited.
  'pii.reveal': SUPERVISOR_UP,
  // The retention purge (or its dry run) on demand.
  'retention.run': ADMIN,
} as const satisfies Record<string, ChannelAccess>;

/** The matrix row of a channel, or undefined when the channel has none (a test fails then). */
export function channelAccess(channel: string): ChannelAccess | undefined {
  return Object.prototype.hasOwnProperty.call(WORKSTATION_PERMISSIONS, channel)
    ? (WORKSTATION_PERMISSIONS as Record<string, ChannelAccess>)[channel]
    : undefined;
}

/** The outcome the dispatcher gives a caller with this state, before the handler runs. */
export type AccessOutcome = 'ALLOWED' | 'UNAUTHENTICATED' | 'PASSWORD_CHANGE_REQUIRED' | 'SESSION_LOCKED' | 'FORBIDDEN';

export interface CallerState {
  role: Role;
  mustChangePassword: boolean;
  locked: boolean;
}

/** Decides a call from the matrix alone; the dispatcher and the tests both use this. */
export function decideAccess(access: ChannelAccess, caller: CallerState | undefined): AccessOutcome {
  if (access === 'public') return 'ALLOWED';
  if (!caller) return 'UNAUTHENTICATED';
  if (access === 'session') return 'ALLOWED';
  if (caller.mustChangePassword) return 'PASSWORD_CHANGE_REQUIRED';
  if (caller.locked) return 'SESSION_LOCKED';
  return access.includes(caller.role) ? 'ALLOWED' : 'FORBIDDEN';
}

/** Whether a role may call a channel (signed in, password changed, unlocked). */
export function roleMay(role: Role, channel: string): boolean {
  const access = channelAccess(channel);
  return access !== undefined && decideAccess(access, { role, mustChangePassword: false, locked: false }) === 'ALLOWED';
}

/** Back-office principals. 'reviewer-own' is a reviewer of the department the resource belongs to. */
export const BACKOFFICE_PRINCIPALS = ['anonymous', 'device', 'reviewer-own', 'reviewer-other'] as const;
export type BackofficePrincipal = (typeof BACKOFFICE_PRINCIPALS)[number];

/** Back office: route → the principals that may use it. Everyone else gets 401/403/404. */
export const BACKOFFICE_PERMISSIONS = {
  'GET /v1/info': ['anonymous', 'device', 'reviewer-own', 'reviewer-other'],
  'GET /healthz': ['anonymous', 'device', 'reviewer-own', 'reviewer-other'],
  'POST /v1/devices/enrol': ['anonymous', 'device', 'reviewer-own', 'reviewer-other'],
  'HEAD /v1/blobs/:sha256': ['device'],
  // Own cases' blobs and broadcast blobs only.
  'GET /v1/blobs/:sha256': ['device'],
  'PUT /v1/blobs/:sha256': ['device'],
  'POST /v1/push': ['device'],
  'GET /v1/changes': ['device'],
  'POST /v1/review/login': ['anonymous', 'device', 'reviewer-own', 'reviewer-other'],
  // Ends only the session its own token names; idempotent, so anyone gets 204.
  'POST /v1/review/logout': ['anonymous', 'device', 'reviewer-own', 'reviewer-other'],
  // The queue holds only the reviewer's own department's tasks.
  'GET /v1/review/queue': ['reviewer-own', 'reviewer-other'],
  'GET /v1/review/cases/:caseId': ['reviewer-own'],
  'GET /v1/review/blobs/:sha256': ['reviewer-own'],
  'POST /v1/review/tasks/:taskId/decision': ['reviewer-own'],
} as const satisfies Record<string, readonly BackofficePrincipal[]>;

export type BackofficeRoute = keyof typeof BACKOFFICE_PERMISSIONS;

/** Back-office administration, CLI only (`onewindow backoffice admin …` on the server). */
export const BACKOFFICE_ADMIN_ACTIONS = ['enrol-code', 'add-reviewer', 'revoke-device', 'list-devices', 'purge-uploads'] as const;

export function backofficeMay(principal: BackofficePrincipal, route: BackofficeRoute): boolean {
  return (BACKOFFICE_PERMISSIONS[route] as readonly BackofficePrincipal[]).includes(principal);
}
