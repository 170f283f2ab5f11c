import { machineNow } from '@assay/shared/clock';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName, TenantIdentity } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer } from '@assay/shared/queue';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { emit } from '../assessments-writes';
import { AssessmentDrafts } from '../assessments/assessment-drafts';
import { AssessmentReadModel } from '../assessments/assessment-read-model';
import { AssessmentsService, DEFAULT_FRAMEWORK } from '../assessments/assessments.service';
import { CatalogueService } from '../catalogue/catalogue.service';
import { TenantDirectoryRepository } from '../directory/tenant-directory.repository';
import { ReassessmentScheduleRepository } from './reassessment-schedule.repository';

/** The longest lead time the tenant settings allow; the tick looks this far ahead and each tenant's job applies its own. */
const MAX_LEAD_DAYS = 365;
const TENANTS_PER_TICK = 5_000;
const SUPPLIERS_PER_JOB = 200;

/**
 * Scheduled reassessment. The fan-out (tenantless, as the system role with read access to supplier
 * due dates only) finds tenants with a supplier whose next cycle has no assessment yet and enqueues
 * one job per tenant. That job opens the next assessment `reassessmentLeadDays` before the supplier's
 * `nextAssessmentDueAt` (once per cycle: a unique key on supplier and due date), emits
 * `reassessment.due`, and sends it when the tenant has `autoSendReassessments`. State-based: after
 * downtime the next tick catches up.
 */
@Injectable()
export class ReassessmentService {
  private readonly logger = new Logger(ReassessmentService.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly schedule: ReassessmentScheduleRepository,
    private readonly directory: TenantDirectoryRepository,
    private readonly assessments: AssessmentsService,
    private readonly drafts: AssessmentDrafts,
    private readonly reads: AssessmentReadModel,
    private readonly catalogue: CatalogueService,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Enqueues one opening job per tenant with a due supplier (one per tenant and tick slot). */
  async enqueueDueTenants(): Promise<{ tenants: number }> {
    const tenantIds = await this.database.runAsSystem((m) => this.schedule.tenantsWithDueSuppliers(m, MAX_LEAD_DAYS, TENANTS_PER_TICK));
    // A tick's fan-out jobs are named after the tick period of machine time, so a repeated tick adds none.
    const slot = Math.floor(machineNow() / this.config.schedulerTickMs);
    await this.producer.enqueueMany(
      JobName.ReassessmentOpen,
      tenantIds.map((tenantId) => ({ payload: { tenantId }, options: { jobId: `reassessment-open_${tenantId}_${slot}` } })),
    );
    return { tenants: tenantIds.length };
  }

  /** Opens the tenant's due reassessments in one transaction, then sends them when the tenant auto-sends. */
  async openDue(tenantId: string): Promise<{ opened: number; sent: number }> {
    const framework = await this.catalogue.findFramework(DEFAULT_FRAMEWORK);
    if (!framework) return { opened: 0, sent: 0 };
    const { opened, autoSend } = await this.database.run(async (m) => {
      const settings = await this.directory.settings(m, tenantId);
      const due = await this.schedule.dueSuppliers(m, tenantId, settings.reassessmentLeadDays, SUPPLIERS_PER_JOB);
      const ids: string[] = [];
      for (const supplier of due) {
        const dueAt = supplier.next_assessment_due_at as Date;
        const row = await this.drafts.open(m, supplier, framework, {
          productId: supplier.last_product_id,
          dueAt,
          createdBy: null,
          cycleDueAt: dueAt,
          openedBy: 'schedule',
          carryForward: true,
        });
        if (!row) continue;
        ids.push(row.id);
        await emit(m, tenantId, 'reassessment.due', await this.reads.eventData(m, row, { reason: row.opened_by }));
      }
      return { opened: ids, autoSend: settings.autoSendReassessments };
    }, tenantId);
    let sent = 0;
    if (autoSend) {
      const identity: TenantIdentity = {
        kind: 'system',
        principalId: null,
        tenantId,
        role: null,
        scopes: [],
        portal: null,
        requestId: `reassessment:${tenantId}`,
      };
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
