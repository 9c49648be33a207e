/** The result of applying one mutation: final ones are remembered per device. */
import type { RejectionCode } from '../../shared/sync';

export type MutationOutcome =
  | { status: 'applied' }
  | { status: 'rejected'; code: RejectionCode; reason: string }
  | { status: 'missing-blobs'; missing: string[] };

export const applied = (): MutationOutcome => ({ status: 'applied' });
export const rejected = (code: RejectionCode, reason: string): MutationOutcome => ({ status: 'rejected', code, reason });
