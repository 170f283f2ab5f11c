import { JobName } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { JobProducer } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { emit } from '../assessments-writes';
import { AssessmentReadModel } from '../assessments/assessment-read-model';
import { OverdueRepository } from './overdue.repository';

const TENANTS_PER_TICK = 5_000;
const LAPSES_PER_JOB = 500;

/**
 * `assessment.overdue`, once per lapse. The tick (system role) finds tenants with an assessment past
 * its due date that the supplier still has to answer and no notice for that date, and fans out one
 * job per tenant; the job records each notice and emits its event in one transaction, keyed by
 * assessment and due date, so a worker killed anywhere emits none twice and the next tick catches up.
 */
@Injectable()
export class OverdueService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly overdue: OverdueRepository,
    private readonly reads: AssessmentReadModel,
    private readonly producer: JobProducer,
  ) {}

  async enqueueTenantsWithLapses(): Promise<{ tenants: number }> {
    const tenantIds = await this.database.runAsSystem((m) => this.overdue.tenantsWithLapses(m, TENANTS_PER_TICK));
    return this.producer.fanOutPerTenant(JobName.AssessmentsOverdueDispatch, tenantIds, 'assessments-overdue');
  }

  async announce(tenantId: string): Promise<{ overdue: number }> {
    return this.database.run(async (m) => {
      const lapses = await this.overdue.lockLapses(m, tenantId, LAPSES_PER_JOB);
      let overdue = 0;
      for (const row of lapses) {
        if (!(await this.overdue.recordNotice(m, tenantId, newId(), row))) continue;
        await emit(m, tenantId, 'assessment.overdue', await this.reads.eventData(m, row));
        overdue += 1;
      }
      return { overdue };
    }, tenantId);
  }
}
