import { clock } from '@assay/shared/clock';
import { AssessmentOpenedBy, JobName, ReassessmentTriggers, TenantIdentity } from '@assay/shared/contracts';
import { NotFoundProblem } from '@assay/shared/http';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer } from '@assay/shared/queue';
import { Injectable, Logger } from '@nestjs/common';
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
const DAY_MS = 86_400_000;
/** An early cycle is due the tenant's lead time after its trigger, and never sooner than this. */
const MIN_EARLY_DUE_DAYS = 7;

export type TriggerReason = Extract<AssessmentOpenedBy, `trigger:${string}`>;

/** What set off an early cycle, as the trigger listener saw it. */
export interface ReassessmentTrigger {
  reason: TriggerReason;
  supplierId: string;
  /** The product concerned (end of support); otherwise the product of the latest completed assessment. */
  productId?: string | null;
  /** `trigger:end_of_support`: the product's end of support, compared with `endOfSupportWithinDays`. */
  endOfSupportAt?: string;
}

/** Whether the tenant's triggers open a cycle for this one. */
export function triggerApplies(triggers: ReassessmentTriggers, trigger: ReassessmentTrigger, nowMs: number): boolean {
  switch (trigger.reason) {
    case 'trigger:evidence_expired':
      return triggers.evidenceExpired;
    case 'trigger:evidence_failed':
      return triggers.evidenceFailed;
    case 'trigger:finding_overdue':
      return triggers.findingOverdue;
    case 'trigger:end_of_support':
      return (
        triggers.endOfSupportWithinDays !== null &&
        trigger.endOfSupportAt !== undefined &&
        Date.parse(trigger.endOfSupportAt) <= nowMs + triggers.endOfSupportWithinDays * DAY_MS
      );
  }
}

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
  ) {}

  /** Enqueues one opening job per tenant with a due supplier (one per tenant and tick slot). */
  async enqueueDueTenants(): Promise<{ tenants: number }> {
    const tenantIds = await this.database.runAsSystem((m) => this.schedule.tenantsWithDueSuppliers(m, MAX_LEAD_DAYS, TENANTS_PER_TICK));
    return this.producer.fanOutPerTenant(JobName.ReassessmentOpen, tenantIds, 'reassessment-open');
  }

  /** Opens the tenant's due reassessments in one transaction, then sends them when the tenant auto-sends. */
  async openDue(tenantId: string): Promise<{ opened: number; sent: number }> {
    const framework = await this.catalogue.findFramework(DEFAULT_FRAMEWORK);
    if (!framework) return { opened: 0, sent: 0 };
    const { opened, unsent, autoSend } = await this.database.run(async (m) => {
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
      // With auto-send, also the drafts an earlier run opened and died before sending.
      const unsent = settings.autoSendReassessments ? await this.schedule.unsentOpenedDrafts(m, tenantId, null, SUPPLIERS_PER_JOB) : [];
      return { opened: ids, unsent, autoSend: settings.autoSendReassessments };
    }, tenantId);
    const sent = autoSend ? await this.sendOpened(tenantId, unsent) : 0;
    return { opened: opened.length, sent };
  }

  /**
   * Opens the supplier's next assessment early when the tenant's `reassessmentTriggers` say this
   * trigger counts and the supplier has no open assessment (checked under the supplier's row lock, so
   * concurrent triggers open one). Due the tenant's lead time later (at least a week), carried forward
   * like a scheduled cycle, `openedBy` the trigger; sent when the tenant auto-sends. Null when it opens none.
   */
  async openEarly(tenantId: string, trigger: ReassessmentTrigger): Promise<string | null> {
    const framework = await this.catalogue.findFramework(DEFAULT_FRAMEWORK);
    if (!framework) return null;
    const opened = await this.database.run(async (m) => {
      const settings = await this.directory.settings(m, tenantId);
      if (!triggerApplies(settings.reassessmentTriggers, trigger, clock.nowMs())) return null;
      const supplier = await this.reads.supplier(m, tenantId, trigger.supplierId, true).catch((error: unknown) => {
        if (error instanceof NotFoundProblem) return null;
        throw error;
      });
      if (!supplier || supplier.status !== 'active') return null;
      if (await this.schedule.hasOpenAssessment(m, tenantId, supplier.id)) {
        // A redelivery after a crash between opening and sending finds its draft and sends it now.
        const unsent = settings.autoSendReassessments ? await this.schedule.unsentOpenedDrafts(m, tenantId, supplier.id, 1) : [];
        return unsent[0] ? { id: unsent[0], autoSend: true, opened: false } : null;
      }
      const dueAt = new Date(clock.nowMs() + Math.max(settings.reassessmentLeadDays, MIN_EARLY_DUE_DAYS) * DAY_MS);
      const productId = trigger.productId ?? (await this.schedule.lastCompletedProductId(m, tenantId, supplier.id));
      const row = await this.drafts.open(m, supplier, framework, {
        productId,
        dueAt,
        createdBy: null,
        cycleDueAt: dueAt,
        openedBy: trigger.reason,
        carryForward: true,
      });
      if (!row) return null;
      await emit(m, tenantId, 'reassessment.due', await this.reads.eventData(m, row, { reason: row.opened_by }));
      return { id: row.id, autoSend: settings.autoSendReassessments, opened: true };
    }, tenantId);
    if (!opened) return null;
    if (opened.autoSend) await this.sendOpened(tenantId, [opened.id]);
    return opened.opened ? opened.id : null;
  }

  /** Sends opened cycles with the system identity; a supplier without contacts keeps its draft. */
  private async sendOpened(tenantId: string, ids: string[]): Promise<number> {
    const identity: TenantIdentity = {
      kind: 'system',
      principalId: null,
      tenantId,
      role: null,
      scopes: [],
      portal: null,
      requestId: `reassessment:${tenantId}`,
    };
    let sent = 0;
    for (const id of ids) {
      try {
        await this.assessments.send(identity, id);
        sent += 1;
      } catch (error) {
        // No contacts yet: the draft waits for someone to send it by hand.
        this.logger.warn(`reassessment ${id} not sent: ${(error as Error).message}`);
      }
    }
    return sent;
  }
}
