import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AssessmentRecord } from './assessment-report';

/** What a completed assessment is served from, stored once at completion (insert-only). */
@Injectable()
export class AssessmentRecordsRepository {
  async insert(m: EntityManager, tenantId: string, assessmentId: string, record: AssessmentRecord): Promise<void> {
    await m.query(`insert into assessments.assessment_records (tenant_id, id, record, recorded_at) values ($1, $2, $3::json, app.now())`, [
      tenantId,
      assessmentId,
      JSON.stringify(record),
    ]);
  }

  /** The record of a completed assessment; null for any other (and for one completed before records were kept). */
  async find(m: EntityManager, tenantId: string, assessmentId: string): Promise<AssessmentRecord | null> {
    const [row]: { record: AssessmentRecord }[] = await m.query(`select record from assessments.assessment_records where tenant_id = $1 and id = $2`, [
      tenantId,
      assessmentId,
    ]);
    return row?.record ?? null;
  }
}
