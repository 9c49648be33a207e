/**
 * Inputs of the documents a window hands a citizen. Plain objects, not database rows: the
 * caller (the cases service) gathers them. Identity numbers come in full and are masked by
 * the templates, so no document can print a full 公民身份号码 by mistake.
 *
 * Dates: `YYYY-MM-DD` civil dates; times: ISO 8601 instants, printed in Beijing time.
 */

/** The issuing window. */
export interface Office {
  /** e.g. "南京市栖霞区政务服务中心". */
  centerName: string;
  /** e.g. "05". Printed as "05 号窗口". */
  windowNo: string;
  address?: string;
  /** Enquiries, e.g. "025-12345678" or "12345". */
  phone?: string;
}

export type PartyIdType = 'id-card' | 'uscc' | 'passport' | 'other';

/** An applicant (person or company) or an agent acting for one. */
export interface Party {
  name: string;
  idType: PartyIdType;
  /** In full: personal numbers are masked when printed; a credit code (public) is not. */
  idNumber: string;
  /** Masked when printed. */
  phone?: string;
}

export interface ItemRef {
  code: string;
  name: string;
  /** The implementing department, e.g. "区市场监管局". */
  departmentName?: string;
}

/** A handwritten signature from the signature pad: PNG (or JPEG) bytes. */
export type SignatureImage = Uint8Array;

export type ReceivedMaterialStatus = 'received' | 'reused' | 'commitment' | 'deferred';

export interface ReceiptMaterial {
  name: string;
  status: ReceivedMaterialStatus;
  /** e.g. "原件 1 份、复印件 1 份". */
  copies?: string;
  /** 容缺: the civil date by which it must be supplied (required for 'deferred'). */
  deferUntil?: string;
  /** Where a reused material came from (an e-licence or earlier case number). */
  reusedFrom?: string;
}

/** 受理回执. */
export interface AcceptanceReceiptInput {
  caseNo: string;
  item: ItemRef;
  applicant: Party;
  /** 经办人/代理人 when someone applies on the applicant's behalf. */
  agent?: Party;
  /** When the case was accepted (ISO instant). */
  acceptedAt: string;
  /** The clerk's display name (受理人). */
  clerk: string;
  /** 承诺办结时限 in working days. */
  promisedDays?: number;
  /** 承诺办结日期; null when the item has no promised limit (即办件 counts 0 days). */
  promisedDate: string | null;
  materials: ReceiptMaterial[];
  office: Office;
  /** How the result is collected. */
  delivery?: 'pickup' | 'express';
  /** What the QR code holds; defaults to `onewindow:case:<caseNo>`. */
  statusCheck?: string;
  applicantSignature?: SignatureImage;
}

export interface NoticeMaterial {
  name: string;
  /** e.g. "居民身份证（原件 1 份）". */
  description?: string;
  /** Where to get it, what form it must take. */
  note?: string;
}

/** 一次性告知书: everything still missing, in one list. Issued before a case exists. */
export interface OneTimeNoticeInput {
  /** The notice's own reference number (there is no case number yet). */
  noticeNo: string;
  item: ItemRef;
  /** May be unknown when the citizen only asked. */
  applicantName: string | null;
  missing: NoticeMaterial[];
  issuedAt: string;
  clerk: string;
  office: Office;
}

/** 不予受理通知书. */
export interface NonAcceptanceNoticeInput {
  /** The notice's reference number (文书编号). */
  noticeNo: string;
  item: ItemRef;
  applicant: Party;
  /** When the application was made (ISO instant). */
  appliedAt: string;
  /** Why, each one a sentence. At least one. */
  reasons: string[];
  /** e.g. "《中华人民共和国行政许可法》第三十二条第一款". */
  legalBasis?: string[];
  /** When the matter belongs to another authority: where to apply instead. */
  redirectTo?: string;
  /** The authority deciding not to accept, in whose name the notice is issued. */
  authority: string;
  /** Where to apply for administrative reconsideration (复议机关), e.g. "南京市栖霞区人民政府". */
  reconsiderationBody: string;
  /** The court, when the notice names one; otherwise "有管辖权的人民法院". */
  court?: string;
  issuedAt: string;
  clerk: string;
  office: Office;
  applicantSignature?: SignatureImage;
}

/** 补正材料通知书. */
export interface SupplementNoticeInput {
  caseNo: string;
  item: ItemRef;
  applicant: Party;
  /** The department asking. */
  requestedBy: string;
  reason?: string;
  materials: NoticeMaterial[];
  /** The civil date by which the materials must be supplied. */
  deadline: string;
  issuedAt: string;
  clerk: string;
  office: Office;
  applicantSignature?: SignatureImage;
}

/** 告知承诺书. */
export interface CommitmentLetterInput {
  /** The case number, or the letter's reference number before acceptance. */
  caseNo: string;
  item: ItemRef;
  applicant: Party;
  agent?: Party;
  /** The authority that informs and will verify. */
  authority: string;
  /** The conditions the applicant commits to meet (办理条件). At least one. */
  conditions: string[];
  /** Materials replaced by this commitment (证明材料). */
  materialsReplaced: string[];
  /** How and when the authority verifies the commitment, e.g. "作出决定后 30 日内现场核查". */
  verification?: string;
  issuedAt: string;
  office: Office;
  applicantSignature?: SignatureImage;
}

export interface HandedOutDocument {
  /** e.g. "营业执照（正本）". */
  name: string;
  /** 证照编号. */
  number?: string;
  copies?: number;
}

/** 送达回执 (出件). */
export interface HandoutReceiptInput {
  caseNo: string;
  item: ItemRef;
  applicant: Party;
  documents: HandedOutDocument[];
  /** Who received it: the applicant, or an authorised agent (with the authorisation seen). */
  recipient: { kind: 'applicant' } | { kind: 'agent'; agent: Party; authorization?: string };
  method: { kind: 'pickup' } | { kind: 'express'; carrier: string; trackingNo: string; address?: string };
  handedOutAt: string;
  clerk: string;
  office: Office;
  recipientSignature?: SignatureImage;
}

export type DocumentKind = 'acceptance-receipt' | 'one-time-notice' | 'non-acceptance-notice' | 'supplement-notice' | 'commitment-letter' | 'handout-receipt';

export interface DocumentInputs {
  'acceptance-receipt': AcceptanceReceiptInput;
  'one-time-notice': OneTimeNoticeInput;
  'non-acceptance-notice': NonAcceptanceNoticeInput;
  'supplement-notice': SupplementNoticeInput;
  'commitment-letter': CommitmentLetterInput;
  'handout-receipt': HandoutReceiptInput;
}

export const DOCUMENT_TITLES: Record<DocumentKind, string> = {
  'acceptance-receipt': '受理回执',
  'one-time-notice': '一次性告知书',
  'non-acceptance-notice': '不予受理通知书',
  'supplement-notice': '补正材料通知书',
  'commitment-letter': '告知承诺书',
  'handout-receipt': '送达回执',
};
