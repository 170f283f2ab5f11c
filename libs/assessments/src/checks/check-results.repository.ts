import { writeProjection } from '@assay/shared/database';
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
    await writeProjection(m, {
      table: ['assessments', 'check_results'],
      key: ['tenant_id', 'assessment_id', 'claim_id', 'evidence_id', 'check_key'],
      values: {
        tenant_id: tenantId,
        assessment_id: check.assessmentId,
        claim_id: check.claimId,
        evidence_id: check.evidenceId,
        check_key: check.checkKey,
        result: check.result,
        detail: check.detail,
        evidence_kind: check.evidenceKind,
        valid_until: check.validUntil,
        event_id: check.eventId,
      },
      insertOnly: { id: 'gen_random_uuid()' },
      eventAt: check.eventAt,
    });
  }

  /**
   * A new validity date of the evidence on the check results of open assessments (completed ones are
   * frozen), unless a newer event already wrote them.
   */
  async moveValidity(m: EntityManager, tenantId: string, evidenceId: string, validUntil: string | null, eventAt: string): Promise<void> {
    await m.query(
      `update assessments.check_results r set valid_until = $3, event_at = $4
       from assessments.assessments a
       where r.tenant_id = $1 and r.evidence_id = $2 and r.event_at <= $4 and a.tenant_id = r.tenant_id and a.id = r.assessment_id
         and a.status not in ('completed', 'cancelled')`,
      [tenantId, evidenceId, validUntil, eventAt],
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
