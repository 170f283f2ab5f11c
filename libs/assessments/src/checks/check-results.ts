import type { DomainEvent, EvidenceProcessedEventData } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { OnEvent } from '@assay/shared/queue';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CLAIM_ID } from '../assessments/assessments.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESULTS = new Set(['pass', 'fail', 'warn', 'not_applicable', 'error']);
const MAX_CHECKS = 200;
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

interface CheckRow {
  claim_id: string;
  evidence_id: string;
  evidence_kind: string;
  check_key: string;
  result: string;
  detail: string;
  valid_until: Date | null;
}

/** The checks of an `evidence.processed` payload, or null when the payload does not have the promised shape. */
function validChecks(data: Partial<EvidenceProcessedEventData>): EvidenceProcessedEventData['checks'] | null {
  if (typeof data.evidenceId !== 'string' || !UUID.test(data.evidenceId) || typeof data.supplierId !== 'string' || !UUID.test(data.supplierId)) return null;
  if (data.assessmentId != null && (typeof data.assessmentId !== 'string' || !UUID.test(data.assessmentId))) return null;
  if (typeof data.kind !== 'string' || data.kind.length > 50 || !Array.isArray(data.checks) || data.checks.length > MAX_CHECKS) return null;
  if (data.validUntil != null && (typeof data.validUntil !== 'string' || Number.isNaN(Date.parse(data.validUntil)))) return null;
  const ok = data.checks.every(
    (check) =>
      check &&
      typeof check.key === 'string' &&
      check.key.length <= 100 &&
      RESULTS.has(check.result) &&
      typeof check.detail === 'string' &&
      Array.isArray(check.claimIds) &&
      check.claimIds.length <= 50 &&
      check.claimIds.every((claimId) => typeof claimId === 'string' && CLAIM_ID.test(claimId)),
  );
  return ok ? data.checks : null;
}

/**
 * Automated check results from the evidence service, kept per assessment and claim: an event naming
 * an assessment feeds that one, otherwise every open assessment of the supplier. Replays change
 * nothing; an older event never overwrites a newer result.
 */
@Injectable()
export class CheckResults {
  private readonly logger = new Logger(CheckResults.name);

  constructor(private readonly database: TenantDatabase) {}

  @OnEvent({ types: ['evidence.processed'], name: 'assessments.checks' })
  async onEvidenceProcessed(event: DomainEvent): Promise<void> {
    const data = event.data as Partial<EvidenceProcessedEventData>;
    const checks = validChecks(data);
    if (!checks) {
      // A payload that does not match can never succeed: given up, not retried.
      this.logger.warn(`skipping malformed ${event.type} ${event.id}`);
      return;
    }
    await this.database.run(async (m) => {
      const assessments: { id: string; claim_ids: string[] }[] = await m.query(
        `select id, claim_ids from assessments.assessments
         where tenant_id = $1 and supplier_id = $2 and (case when $3::uuid is null then status not in ('completed', 'cancelled') else id = $3::uuid end)`,
        [event.tenantId, data.supplierId, data.assessmentId ?? null],
      );
      for (const assessment of assessments) {
        for (const check of checks) {
          for (const claimId of new Set(check.claimIds)) {
            if (!assessment.claim_ids.includes(claimId)) continue;
            await m.query(
              `insert into assessments.check_results (tenant_id, id, assessment_id, claim_id, evidence_id, check_key, result, detail, evidence_kind, valid_until, event_id, event_at)
               values ($1, gen_random_uuid(), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
               on conflict (tenant_id, assessment_id, claim_id, evidence_id, check_key) do update set result = excluded.result, detail = excluded.detail,
                 evidence_kind = excluded.evidence_kind, valid_until = excluded.valid_until, event_id = excluded.event_id, event_at = excluded.event_at, updated_at = now()
               where assessments.check_results.event_at <= excluded.event_at`,
              [
                event.tenantId,
                assessment.id,
                claimId,
                data.evidenceId,
                check.key,
                check.result,
                check.detail.slice(0, 2000),
                data.kind,
                data.validUntil ?? null,
                event.id,
                event.timestamp,
              ],
            );
          }
        }
      }
    }, event.tenantId);
  }

  /** Checks per claim: the stored evidence checks, plus the product's end-of-support checks when the assessment has a product. */
  async forAssessment(m: EntityManager, tenantId: string, assessmentId: string, productId: string | null): Promise<Map<string, ClaimCheck[]>> {
    const rows: CheckRow[] = await m.query(
      `select claim_id, evidence_id, evidence_kind, check_key, result, detail, valid_until from assessments.check_results
       where tenant_id = $1 and assessment_id = $2 order by check_key, evidence_id`,
      [tenantId, assessmentId],
    );
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
    if (productId) {
      const [product]: { end_of_support_at: Date | null; end_of_support_announced_at: Date | null }[] = await m.query(
        `select end_of_support_at, end_of_support_announced_at from assessments.products where tenant_id = $1 and id = $2`,
        [tenantId, productId],
      );
      if (product) for (const [claimId, check] of productChecks(product.end_of_support_at, product.end_of_support_announced_at)) add(claimId, check);
    }
    return byClaim;
  }
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
export function disagreements(claims: { id: string; response: { answer: string } | null; checks: ClaimCheck[] }[], now = new Date()): Disagreement[] {
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
