/** Paths of the back-office HTTP API (version 1). Base URL is configured on the workstation. */
export const SYNC_PROTOCOL_VERSION = 1;

export const SYNC_ROUTES = {
  /** Unauthenticated: service name, protocol version, limits and server time. */
  info: '/v1/info',
  /** Unauthenticated: 200 when the database answers (for load balancers). */
  health: '/healthz',
  enrol: '/v1/devices/enrol',
  /** Enrolment that also asks for the window's last case numbers (a query older back offices ignore). */
  enrolWithCaseNumbers: '/v1/devices/enrol?caseNumbers=1',
  blob: (sha256: string) => `/v1/blobs/${sha256}`,
  blobUpload: (sha256: string, offset: number, total: number) => `/v1/blobs/${sha256}?offset=${offset}&total=${total}`,
  push: '/v1/push',
  changes: (since: number, waitSeconds = 0, limit?: number) =>
    `/v1/changes?since=${since}&wait=${waitSeconds}` + (limit ? `&limit=${limit}` : ''),
  /** Device: the audit chain head last witnessed for this device (onewindow audit verify). */
  auditHead: '/v1/audit/head',
  reviewLogin: '/v1/review/login',
  reviewLogout: '/v1/review/logout',
  reviewQueue: '/v1/review/queue',
  reviewCase: (caseId: string) => `/v1/review/cases/${caseId}`,
  reviewBlob: (sha256: string) => `/v1/review/blobs/${sha256}`,
  reviewDecision: (taskId: string) => `/v1/review/tasks/${taskId}/decision`,
  /** IT reviewers: every window's last contact, version and backlog. */
  adminDevices: '/v1/admin/devices',
  /** Public: the certificate behind a verification QR code. */
  verify: (code: string) => `/verify/${code}`,
} as const;

/** Body of `GET /v1/info`. */
export interface BackofficeInfo {
  service: 'onewindow-backoffice';
  protocolVersion: number;
  /** Server clock, to spot a workstation with a wrong clock. */
  time: string;
  limits: {
    maxChunkBytes: number;
    maxBlobBytes: number;
    maxMutationsPerPush: number;
    maxWaitSeconds: number;
    maxChangesPerPage: number;
  };
}
