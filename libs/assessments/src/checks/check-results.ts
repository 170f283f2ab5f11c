import { clock } from '@assay/shared/clock';
import type { ProductSupport } from '../suppliers/products.repository';
import type { CheckRow } from './check-results.repository';

const DAY_MS = 86_400_000;

export interface ClaimCheck {
  key: string;
  evidenceId: string | null;
  evidenceKind: string | null;
  result: string;
  detail: string;
  validUntil: string | null;
}

export interface Disagreement {
  claimId: string;
  checkKey: string;
  evidenceId: string | null;
  reason: 'check_failed' | 'evidence_expired';
}

/** Checks per claim: the stored evidence checks, plus the product's end-of-support checks when the assessment has a product. */
export function claimChecks(rows: CheckRow[], product: ProductSupport | null): Map<string, ClaimCheck[]> {
  const byClaim = new Map<string, ClaimCheck[]>();
  const add = (claimId: string, check: ClaimCheck) => byClaim.set(claimId, [...(byClaim.get(claimId) ?? []), check]);
  for (const row of rows) {
    add(row.claim_id, {
      key: row.check_key,
      evidenceId: row.evidence_id,
      evidenceKind: row.evidence_kind,
      result: row.result,
      detail: row.detail,
      validUntil: row.valid_until?.toISOString() ?? null,
    });
  }
  if (product) for (const [claimId, check] of productChecks(product.end_of_support_at, product.end_of_support_announced_at)) add(claimId, check);
  return byClaim;
}

/** `product.eos_published` (claim 4.1.1) and `product.eos_notice` (claim 4.2.1: at least 365 days of notice). */
export function productChecks(endOfSupportAt: Date | null, announcedAt: Date | null): [string, ClaimCheck][] {
  const check = (key: string, result: string, detail: string): ClaimCheck => ({ key, evidenceId: null, evidenceKind: null, result, detail, validUntil: null });
  const published = endOfSupportAt
    ? check('product.eos_published', 'pass', `end of support ${endOfSupportAt.toISOString().slice(0, 10)}`)
    : check('product.eos_published', 'fail', 'no end-of-support date is published for the product');
  let notice: ClaimCheck;
  if (!endOfSupportAt || !announcedAt) notice = check('product.eos_notice', 'not_applicable', 'end of support or its announcement date is not recorded');
  else {
    const days = Math.floor((endOfSupportAt.getTime() - announcedAt.getTime()) / DAY_MS);
    notice = check('product.eos_notice', days >= 365 ? 'pass' : 'fail', `${days} days between announcement and end of support (at least 365 needed)`);
  }
  return [
    ['4.1.1', published],
    ['4.2.1', notice],
  ];
}

/** A claim answered `met` while a supporting check failed or its evidence has expired. */
export function disagreements(claims: { id: string; response: { answer: string } | null; checks: ClaimCheck[] }[], now = clock.now()): Disagreement[] {
  return claims.flatMap((claim) => {
    if (claim.response?.answer !== 'met') return [];
    return claim.checks.flatMap((check): Disagreement[] => {
      if (check.result === 'fail') return [{ claimId: claim.id, checkKey: check.key, evidenceId: check.evidenceId, reason: 'check_failed' }];
      if (check.validUntil && Date.parse(check.validUntil) < now.getTime())
        return [{ claimId: claim.id, checkKey: check.key, evidenceId: check.evidenceId, reason: 'evidence_expired' }];
      return [];
    });
  });
}
