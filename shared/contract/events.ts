/** Events the core pushes to the renderer (IPC `webContents.send` or server-sent events). */
import { z } from 'zod';

export const coreEventSchema = z.discriminatedUnion('type', [
  /** A case was created or changed; lists refresh. */
  z.object({ type: z.literal('case.changed'), caseId: z.string() }),
  /** The back office's reachability or the outbox changed (the status bar refreshes). */
  z.object({ type: z.literal('sync.status'), online: z.boolean(), backlog: z.number(), dead: z.number() }),
  /** The session was locked for inactivity or signed out elsewhere. */
  z.object({ type: z.literal('session.locked'), reason: z.enum(['idle', 'signed-out']) }),
  /** The applicant screen of this session changed (no content: it reads applicant.view). */
  z.object({ type: z.literal('applicant.display'), version: z.number(), stage: z.string() }),
]);
export type CoreEvent = z.infer<typeof coreEventSchema>;
