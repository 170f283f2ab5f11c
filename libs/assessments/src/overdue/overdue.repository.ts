import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ANSWERABLE_STATUSES } from '../assessments/assessment-status';
import type { AssessmentRow } from '../assessments/assessments.repository';

/**
 * Lapses: assessments the supplier still has to answer (`sent`, `in_progress`, `returned`) whose due
 * date has passed and has no overdue notice yet. A notice is keyed by assessment and due date, so a
 * moved date that lapses again is a new lapse.
 */
@Injectable()
export class OverdueRepository {
  /** Tenants (system role, across tenants) with at least one unannounced lapse. */
  async tenantsWithLapses(m: EntityManager, limit: number): Promise<string[]> {
    const rows: { tenant_id: string }[] = await m.query(
      `select a.tenant_id from assessments.assessments a
       where a.status = any($1::text[]) and a.due_at <= app.now()
         and not exists (select 1 from assessments.overdue_notices n where n.tenant_id = a.tenant_id and n.assessment_id = a.id and n.due_at = a.due_at)
       group by a.tenant_id limit $2`,
      [ANSWERABLE_STATUSES, limit],
    );
    return rows.map((row) => row.tenant_id);
  }

  /** The tenant's unannounced lapses, locked (rows another dispatcher holds are skipped). */
  lockLapses(m: EntityManager, tenantId: string, limit: number): Promise<AssessmentRow[]> {
    return m.query(
      `select a.* from assessments.assessments a
       where a.tenant_id = $1 and a.status = any($2::text[]) and a.due_at <= app.now()
         and not exists (select 1 from assessments.overdue_notices n where n.tenant_id = a.tenant_id and n.assessment_id = a.id and n.due_at = a.due_at)
       order by a.due_at, a.id limit $3
       for update of a skip locked`,
      [tenantId, ANSWERABLE_STATUSES, limit],
    );
  }

  /** Records the lapse; false when it was recorded already (then no event is emitted for it). */
  async recordNotice(m: EntityManager, tenantId: string, id: string, row: AssessmentRow): Promise<boolean> {
    const inserted: { id: string }[] = await m.query(
      `insert into assessments.overdue_notices (tenant_id, id, assessment_id, due_at, emitted_at) values ($1, $2, $3, $4, app.now())
       on conflict (tenant_id, assessment_id, due_at) do nothing returning id`,
      [tenantId, id, row.id, row.due_at],
    );
    return inserted.length > 0;
  }
}
