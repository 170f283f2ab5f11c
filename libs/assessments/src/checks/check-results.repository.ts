import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface CheckRow {
  claim_id: string;
  evidence_id: string;
  evidence_kind: string;
  check_key: string;
  result: string;
  detail: string;
  valid_until: Date | null;
}

export interface CheckResultWrite {
  assessmentId: string;
  claimId: string;
  evidenceId: string;
  evidenceKind: string;
  checkKey: string;
  result: string;
  detail: string;
  validUntil: string | null;
  eventId: string;
  eventAt: string;
}

/** Automated check results per assessment, claim, evidence and check. */
@Injectable()
export class CheckResultsRepository {
  /** Stores a result unless a newer event already stored one for the same claim, evidence and check. */
  async upsert(m: EntityManager, tenantId: string, check: CheckResultWrite): Promise<void> {
    await m.query(
      `insert into assessments.check_results (tenant_id, id, assessment_id, claim_id, evidence_id, check_key, result, detail, evidence_kind, valid_until, event_id, event_at)
       values ($1, gen_random_uuid(), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (tenant_id, assessment_id, claim_id, evidence_id, check_key) do update set result = excluded.result, detail = excluded.detail,
         evidence_kind = excluded.evidence_kind, valid_until = excluded.valid_until, event_id = excluded.event_id, event_at = excluded.event_at, updated_at = app.now()
       where assessments.check_results.event_at <= excluded.event_at`,
      [
        tenantId,
        check.assessmentId,
        check.claimId,
        check.evidenceId,
        check.checkKey,
        check.result,
        check.detail,
        check.evidenceKind,
        check.validUntil,
        check.eventId,
        check.eventAt,
      ],
    );
  }

  async ofAssessment(m: EntityManager, tenantId: string, assessmentId: string): Promise<CheckRow[]> {
    return m.query(
      `select claim_id, evidence_id, evidence_kind, check_key, result, detail, valid_until from assessments.check_results
       where tenant_id = $1 and assessment_id = $2 order by check_key, evidence_id`,
      [tenantId, assessmentId],
    );
  }
}
