/**
 * Signatures and 好差评 ratings in SQLite (db/lifecycle-schema.ts). A signature belongs to a
 * draft until the draft is accepted, then to the case (moved inside the acceptance
 * transaction); a new signature of the same purpose replaces the older one. One rating per case.
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import { ulid } from 'ulid';
import { caseRatings, caseSignatures } from '../../db/lifecycle-schema';
import type { SignaturePurpose } from '../../shared/contract/applicant';
import type { WorkstationDb } from '../database';

export type SignatureOwner = { draftId: string } | { caseId: string };
export type SignatureRow = typeof caseSignatures.$inferSelect;
export type RatingRow = typeof caseRatings.$inferSelect;

const ownerWhere = (owner: SignatureOwner) =>
  'caseId' in owner ? and(eq(caseSignatures.caseId, owner.caseId), isNull(caseSignatures.draftId)) : and(eq(caseSignatures.draftId, owner.draftId), isNull(caseSignatures.caseId));

export function createSignatureStore(db: WorkstationDb) {
  return {
    /** Replaces any earlier signature of this owner and purpose; call inside a transaction. */
    put(tx: WorkstationDb, owner: SignatureOwner, row: Omit<SignatureRow, 'id' | 'caseId' | 'draftId'>): SignatureRow {
      tx.delete(caseSignatures).where(and(ownerWhere(owner), eq(caseSignatures.purpose, row.purpose))).run();
      const full: SignatureRow = { id: ulid(), caseId: 'caseId' in owner ? owner.caseId : null, draftId: 'draftId' in owner ? owner.draftId : null, ...row };
      tx.insert(caseSignatures).values(full).run();
      return full;
    },
    list(owner: SignatureOwner): Omit<SignatureRow, 'png'>[] {
      return db
        .select({
          id: caseSignatures.id,
          caseId: caseSignatures.caseId,
          draftId: caseSignatures.draftId,
          purpose: caseSignatures.purpose,
          sha256: caseSignatures.sha256,
          width: caseSignatures.width,
          height: caseSignatures.height,
          source: caseSignatures.source,
          windowNo: caseSignatures.windowNo,
          clerk: caseSignatures.clerk,
          signedAt: caseSignatures.signedAt,
        })
        .from(caseSignatures)
        .where(ownerWhere(owner))
        .orderBy(desc(caseSignatures.signedAt))
        .all();
    },
    /** The stored PNG of a case's signature for this purpose, for the PDFs. */
    png(caseId: string, purpose: SignaturePurpose): Uint8Array | undefined {
      const row = db
        .select({ png: caseSignatures.png })
        .from(caseSignatures)
        .where(and(eq(caseSignatures.caseId, caseId), eq(caseSignatures.purpose, purpose)))
        .orderBy(desc(caseSignatures.signedAt))
        .get();
      return row ? new Uint8Array(row.png) : undefined;
    },
    /** The draft became a case: its signatures go with it (inside the acceptance transaction). */
    moveDraftToCase(tx: WorkstationDb, draftId: string, caseId: string): number {
      return tx.update(caseSignatures).set({ caseId, draftId: null }).where(and(eq(caseSignatures.draftId, draftId), isNull(caseSignatures.caseId))).run().changes;
    },
    /** A discarded draft's signatures are personal data nobody needs any more. */
    removeDraft(draftId: string): number {
      return db.delete(caseSignatures).where(and(eq(caseSignatures.draftId, draftId), isNull(caseSignatures.caseId))).run().changes;
    },
  };
}

export function createRatingStore(db: WorkstationDb) {
  return {
    get(caseId: string): RatingRow | undefined {
      return db.select().from(caseRatings).where(eq(caseRatings.caseId, caseId)).get();
    },
    insert(tx: WorkstationDb, row: RatingRow): void {
      tx.insert(caseRatings).values(row).run();
    },
  };
}

/** The applicant's stored signature on a case for this purpose (PNG bytes), for the PDFs the core renders. */
export function caseSignaturePng(db: WorkstationDb, caseId: string, purpose: SignaturePurpose): Uint8Array | undefined {
  return createSignatureStore(db).png(caseId, purpose);
}
