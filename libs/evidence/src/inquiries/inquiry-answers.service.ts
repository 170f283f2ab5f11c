import type { InquiryAnswer, InquiryEventData } from '@assay/shared/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AdvisoryExposuresRepository } from '../advisories/advisory-exposures.repository';
import { audit, emit } from '../evidence-writes';
import { InquiryContext, InquiriesRepository } from './inquiries.repository';
import { AnswerProblem, answerFromVex } from './inquiry-answer';

export const NOT_A_VEX: AnswerProblem = { field: 'file', message: 'is not an OpenVEX or CycloneDX VEX document' };

/** What the inquiry events carry, within their schema's bounds (an advisory's ids and summary are cut to them). */
export function eventData(context: InquiryContext): InquiryEventData {
  return {
    inquiryId: context.id,
    advisoryId: context.advisoryId,
    supplierId: context.supplierId,
    supplierName: context.supplierName,
    externalIds: context.externalIds.slice(0, 100).map((id) => id.slice(0, 200)),
    summary: context.summary?.slice(0, 5000) ?? null,
    dueAt: context.dueAt,
    status: context.status,
    internalOwnerUserId: context.internalOwnerUserId,
  };
}

/**
 * The supplier's answers to inquiries, given on the page or taken from a VEX uploaded through the
 * inquiry link, recorded in the caller's transaction (the API's answer route, the worker's VEX matching).
 */
@Injectable()
export class InquiryAnswersService {
  constructor(
    private readonly inquiries: InquiriesRepository,
    private readonly exposures: AdvisoryExposuresRepository,
  ) {}

  /**
   * Records an answer (given on the page, or taken from the VEX `evidenceId`), makes the supplier's
   * exposures follow it and announces it (`inquiry.answered`), in the caller's transaction.
   */
  async record(
    m: EntityManager,
    tenantId: string,
    inquiry: InquiryContext,
    answer: InquiryAnswer,
    contactId: string | null,
    evidenceId: string | null,
  ): Promise<void> {
    await this.inquiries.answer(m, tenantId, inquiry.id, answer, contactId, evidenceId);
    if (evidenceId) await this.exposures.applyVex(m, tenantId, { advisoryId: inquiry.advisoryId });
    else await this.inquiries.applyAnswers(m, tenantId, { advisoryId: inquiry.advisoryId });
    await emit(m, tenantId, 'inquiry.answered', { ...eventData({ ...inquiry, status: 'answered' }), answer, contactId });
    await audit(m, tenantId, {
      action: 'inquiry.answered',
      targetType: 'inquiry',
      targetId: inquiry.id,
      changes: { ...answer, ...(evidenceId ? { evidenceId } : {}) },
    });
  }

  /**
   * Settles the inquiry uploads of one piece of VEX evidence, in the transaction that stored and
   * applied its statements: each inquiry whose vulnerability the VEX answers for every exposed
   * component of the supplier is answered from it (once: a settled upload is never settled again, so
   * a replay answers and announces nothing twice); the others keep their state and the upload records why.
   */
  async settleVexUploads(m: EntityManager, tenantId: string, evidenceId: string): Promise<void> {
    const pending = await this.inquiries.pendingVexUploads(m, tenantId, evidenceId);
    if (!pending.length) return;
    const format = await this.inquiries.vexFormatOf(m, tenantId, evidenceId);
    const statements = format ? await this.inquiries.vexStatementsOf(m, tenantId, evidenceId) : [];
    for (const upload of pending) {
      if (!format) {
        await this.inquiries.settleVexUpload(m, tenantId, upload.id, { outcome: 'rejected', answer: null, problem: NOT_A_VEX });
        continue;
      }
      const [inquiry] = await this.inquiries.findMany(m, tenantId, [upload.inquiryId], { lock: true });
      if (!inquiry) continue;
      const exposed = await this.inquiries.exposedPurls(m, tenantId, inquiry.advisoryId, inquiry.supplierId);
      const read = answerFromVex(statements, inquiry.externalIds, exposed);
      if (read.problem) {
        await this.inquiries.settleVexUpload(m, tenantId, upload.id, { outcome: 'unanswered', answer: null, problem: read.problem });
        continue;
      }
      await this.record(m, tenantId, inquiry, read.answer, upload.contactId, evidenceId);
      await this.inquiries.settleVexUpload(m, tenantId, upload.id, { outcome: 'answered', answer: read.answer, problem: null });
    }
  }
}
