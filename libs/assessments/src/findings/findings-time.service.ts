import { JobName } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { audit, emit } from '../assessments-writes';
import { AssessmentReadModel } from '../assessments/assessment-read-model';
import { SuppliersRepository } from '../suppliers/suppliers.repository';
import { findingEventData } from './finding-events';
import { FindingsRepository } from './findings.repository';

const TENANTS_PER_TICK = 5_000;
const FINDINGS_PER_JOB = 500;

/**
 * Findings over time. `finding.overdue` fires once when an `open` or `in_remediation` finding's
 * `remediationDueAt` passes (once per date: the finding remembers the date it announced); an
 * `accepted_risk` finding whose `riskAcceptedUntil` has passed returns to `open` with
 * `finding.risk_acceptance_expired`. The tick (system role) finds the tenants with something due and
 * fans out one job per tenant; the job changes each finding and writes its event in one transaction,
 * so a worker killed anywhere emits nothing twice and the next tick catches up.
 */
@Injectable()
export class FindingsTimeService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly findings: FindingsRepository,
    private readonly suppliers: SuppliersRepository,
    private readonly reads: AssessmentReadModel,
    private readonly producer: JobProducer,
  ) {}

  async fanOut(): Promise<{ tenants: number }> {
    const tenantIds = await this.database.runAsSystem((m) => this.findings.tenantsWithFindingsDue(m, TENANTS_PER_TICK));
    return this.producer.fanOutPerTenant(JobName.FindingsTimeDispatch, tenantIds, 'findings-time');
  }

  async dispatch(tenantId: string): Promise<{ overdue: number; reopened: number }> {
    return this.database.run(async (m) => {
      const lapsed = await this.findings.announceLapses(m, tenantId, FINDINGS_PER_JOB);
      for (const finding of lapsed) await emit(m, tenantId, 'finding.overdue', await findingEventData(this.reads, m, finding));
      const ended = await this.findings.lockEndedAcceptances(m, tenantId, FINDINGS_PER_JOB);
      for (const before of ended) {
        const finding = await this.findings.updateStatus(m, tenantId, before.id, 'open', null);
        await this.suppliers.adjustOpenFindings(m, tenantId, finding.supplier_id, +1);
        await audit(m, tenantId, {
          action: 'finding.risk_acceptance_expired',
          targetType: 'finding',
          targetId: finding.id,
          changes: { status: { from: 'accepted_risk', to: 'open' }, riskAcceptedUntil: before.risk_accepted_until?.toISOString() ?? null },
        });
        const data = await findingEventData(this.reads, m, finding, { riskAcceptedUntil: before.risk_accepted_until });
        await emit(m, tenantId, 'finding.risk_acceptance_expired', data);
      }
      return { overdue: lapsed.length, reopened: ended.length };
    }, tenantId);
  }
}
