import type { DomainEvent } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit } from '../assessments-writes';
import type { ClaimAnswer } from './assessments.dto';
import { AssessmentRow, AssessmentsRepository } from './assessments.repository';

type DeclaredClaim = DomainEvent<'evidence.declaration_stated'>['data']['claims'][number];

/** Open assessments a declaration prefills: not yet submitted, so the supplier can still confirm or change each answer. */
const PREFILLED_STATUSES = ['draft', 'sent', 'in_progress', 'returned'];

/**
 * The answer a declared attestation stands for: a conformance score of 1 (or none: the attestation
 * maps its claims to the requirement) is `met`, a score between 0 and 1 `partially_met`, 0 `not_met`.
 */
export function declaredAnswer(claim: Pick<DeclaredClaim, 'conformance' | 'rationale'>, evidenceId: string): { answer: ClaimAnswer; justification: string } {
  const score = claim.conformance;
  const answer: ClaimAnswer = score === null || score >= 1 ? 'met' : score > 0 ? 'partially_met' : 'not_met';
  const scored = score === null ? 'no conformance score' : `conformance ${score}`;
  return { answer, justification: claim.rationale ?? `Declared in the supplier's declaration ${evidenceId} (${scored})` };
}

/**
 * Supplier declarations (CycloneDX Attestations) prefill answers: each open assessment of the
 * supplier (the one the evidence names, if it names one; of the evidence's product, if it has one)
 * gets the declared answer to every applicable claim of the same framework it has no answer to,
 * shown `importedFrom` the declaration until the supplier confirms or changes it — the way
 * carried-forward answers work. Answers already given are never replaced, so redelivery changes nothing.
 */
@Injectable()
export class DeclarationAnswersService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly assessments: AssessmentsRepository,
  ) {}

  async prefill(event: DomainEvent<'evidence.declaration_stated'>): Promise<{ prefilled: number }> {
    const { tenantId, data } = event;
    return this.database.run(async (m) => {
      let prefilled = 0;
      for (const row of await this.targets(m, tenantId, data)) {
        const answers = data.claims
          .filter((claim) => claim.framework === row.framework_key)
          .map((claim) => ({ id: newId(), claimId: claim.claimId, ...declaredAnswer(claim, data.evidenceId) }));
        const imported = await this.assessments.importAnswers(m, row, data.evidenceId, answers);
        if (imported.length === 0) continue;
        prefilled += imported.length;
        await audit(m, tenantId, {
          action: 'claim_responses.imported',
          targetType: 'assessment',
          targetId: row.id,
          changes: { importedFrom: data.evidenceId, claimIds: imported },
        });
      }
      return { prefilled };
    }, tenantId);
  }

  private async targets(m: EntityManager, tenantId: string, data: DomainEvent<'evidence.declaration_stated'>['data']): Promise<AssessmentRow[]> {
    const rows = await this.assessments.openOfSupplier(m, tenantId, data.supplierId, PREFILLED_STATUSES);
    return rows.filter((row) => (data.assessmentId ? row.id === data.assessmentId : !data.productId || row.product_id === data.productId));
  }
}
