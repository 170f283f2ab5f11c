/** Kinds of evidence. The kind is detected from the content; a client's hint only names documents. */
export const EVIDENCE_KINDS = [
  'sbom',
  'security_txt',
  'provenance',
  'vex',
  'certificate',
  'policy',
  'pentest_report',
  'scorecard',
  'advisory',
  'end_of_life',
  'declaration',
  'other',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const EVIDENCE_STATUSES = ['pending', 'processing', 'processed', 'failed', 'rejected', 'superseded'] as const;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];

export type CheckResult = 'pass' | 'fail' | 'warn' | 'not_applicable' | 'error';

export interface EvidenceCheck {
  key: string;
  claimIds: string[];
  result: CheckResult;
  detail: string;
}
