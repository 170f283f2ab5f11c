import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { Identity, JobName, ReassessmentOpenPayload, SystemTickPayload } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer, OnJob, OnTick } from '@assay/shared/queue';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { emit } from '../assessments-writes';
import { AssessmentsService, DEFAULT_FRAMEWORK } from '../assessments/assessments.service';
import { CatalogueService } from '../catalogue/catalogue.service';
import { TenantDirectory } from '../directory/tenant-directory';
import { SupplierRow } from '../suppliers/suppliers.service';

/** The longest lead time the tenant settings allow; the tick looks this far ahead and each tenant's job applies its own. */
const MAX_LEAD_DAYS = 365;
const TENANTS_PER_TICK = 5_000;
const SUPPLIERS_PER_JOB = 200;

/**
 * Scheduled reassessment. The tick (tenantless, as the system role with read access to supplier due
 * dates only) finds tenants with a supplier whose next cycle has no assessment yet and fans out one
 * job per tenant. That job opens the next assessment `reassessmentLeadDays` before the supplier's
 * `nextAssessmentDueAt` (once per cycle: a unique key on supplier and due date), emits
 * `reassessment.due`, and sends it when the tenant has `autoSendReassessments`. State-based: after
 * downtime the next tick catches up.
 */
@Injectable()
export class ReassessmentJobs {
  private readonly logger = new Logger(ReassessmentJobs.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly assessments: AssessmentsService,
    private readonly catalogue: CatalogueService,
    private readonly directory: TenantDirectory,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @OnTick(JobName.ReassessmentTick)
  async tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    const tenants: { tenant_id: string }[] = await this.database.runAsSystem((m) =>
      m.query(
        `select s.tenant_id from assessments.suppliers s
         where s.status = 'active' and s.next_assessment_due_at is not null and s.next_assessment_due_at <= now() + make_interval(days => $1)
           and not exists (select 1 from assessments.assessments a where a.tenant_id = s.tenant_id and a.supplier_id = s.id and a.cycle_due_at = s.next_assessment_due_at)
         group by s.tenant_id limit $2`,
        [MAX_LEAD_DAYS, TENANTS_PER_TICK],
      ),
    );
    const slot = Math.floor(Date.now() / this.config.schedulerTickMs);
    await this.producer.enqueueMany(
      JobName.ReassessmentOpen,
      tenants.map(({ tenant_id: tenantId }) => ({ payload: { tenantId }, options: { jobId: `reassessment-open_${tenantId}_${slot}` } })),
    );
    return { tenants: tenants.length };
  }

  @OnJob(JobName.ReassessmentOpen)
  async openDue(payload: ReassessmentOpenPayload): Promise<{ opened: number; sent: number }> {
    const tenantId = payload.tenantId;
    const framework = await this.catalogue.findFramework(DEFAULT_FRAMEWORK);
    if (!framework) return { opened: 0, sent: 0 };
    const { opened, autoSend } = await this.database.run(async (m) => {
      const settings = await this.directory.settings(m, tenantId);
      const due: (SupplierRow & { last_product_id: string | null })[] = await m.query(
        `select s.*, (select a.product_id from assessments.assessments a where a.tenant_id = s.tenant_id and a.supplier_id = s.id and a.status = 'completed'
                       and (a.product_id is null or exists (select 1 from assessments.products p where p.tenant_id = a.tenant_id and p.id = a.product_id and p.removed_at is null))
                       order by a.id desc limit 1) as last_product_id
         from assessments.suppliers s
         where s.tenant_id = $1 and s.status = 'active' and s.next_assessment_due_at is not null and s.next_assessment_due_at <= now() + make_interval(days => $2)
           and not exists (select 1 from assessments.assessments a where a.tenant_id = s.tenant_id and a.supplier_id = s.id and a.cycle_due_at = s.next_assessment_due_at)
         order by s.next_assessment_due_at, s.id limit $3`,
        [tenantId, settings.reassessmentLeadDays, SUPPLIERS_PER_JOB],
      );
      const ids: string[] = [];
      for (const supplier of due) {
        const dueAt = supplier.next_assessment_due_at as Date;
        const row = await this.assessments.open(m, supplier, framework, { productId: supplier.last_product_id, dueAt, createdBy: null, cycleDueAt: dueAt });
        if (!row) continue;
        ids.push(row.id);
        await emit(m, tenantId, 'reassessment.due', await this.assessments.eventData(m, row, {}));
      }
      return { opened: ids, autoSend: settings.autoSendReassessments };
    }, tenantId);
    let sent = 0;
    if (autoSend) {
      const identity: Identity = { kind: 'system', principalId: null, tenantId, role: null, scopes: [], portal: null, requestId: `reassessment:${tenantId}` };
      for (const id of opened) {
        try {
          await this.assessments.send(identity, id);
          sent += 1;
        } catch (error) {
          // No contacts yet: the draft waits for someone to send it by hand.
          this.logger.warn(`reassessment ${id} not sent: ${(error as Error).message}`);
        }
      }
    }
    return { opened: opened.length, sent };
  }
}
