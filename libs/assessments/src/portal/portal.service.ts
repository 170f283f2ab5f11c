import { clock } from '@assay/shared/clock';
import { PortalIdentity, canonicalJson } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { audit, emit } from '../assessments-writes';
import { AssessmentReadModel } from '../assessments/assessment-read-model';
import { ANSWERABLE_STATUSES, assertTransition, isOverdue } from '../assessments/assessment-status';
import { attestationView, recipientOf, responseView } from '../assessments/assessment-views';
import { AssessmentRow, AssessmentsRepository, ResponseRow } from '../assessments/assessments.repository';
import { AttestationsRepository } from '../assessments/attestations.repository';
import { ExtensionRequestsRepository } from '../assessments/extension-requests.repository';
import { extensionRequestView } from '../assessments/extension-requests.service';
import { EvidenceDigestsRepository } from '../checks/evidence-digests.repository';
import { ContactRow, SupplierContactsRepository } from '../suppliers/supplier-contacts.repository';
import { PortalTokensRepository } from './portal-tokens.repository';
import { PortalTokensService } from './portal-tokens.service';
import { SignOffRequestsRepository } from './sign-off-requests.repository';
import { AttestationDto, ClaimResponseDto } from './portal.dto';

/** How often one contact may ask the Senior Responsible Owner to sign one assessment. */
export const SIGN_OFF_REQUEST_INTERVAL_MS = 3_600_000;

/** The canonical form new attestations sign (see `attestedResponses`). */
export const ATTESTATION_CANONICAL_VERSION = 2;

type AttestedRow = Pick<ResponseRow, 'claim_id' | 'answer' | 'justification' | 'evidence_ids'>;

/**
 * The document an attestation signs: the answers to every applicable claim in the assessment's
 * claim order. Version 1 (attestations signed before evidence hashes were known): each
 * `{ claimId, answer, justification, evidenceIds }` with the ids sorted. Version 2: each
 * `{ claimId, answer, justification, evidence: [{ id, sha256 }] }`, sorted by id, `sha256` null for
 * evidence not yet processed. Justification is null when absent. Its SHA-256 over the canonical JSON
 * is stored with the signature and its version.
 */
export function attestedResponses(
  claimIds: string[],
  responses: AttestedRow[],
  version = ATTESTATION_CANONICAL_VERSION,
  digests = new Map<string, { sha256: string }>(),
) {
  const byClaim = new Map(responses.map((row) => [row.claim_id, row]));
  return claimIds.flatMap((claimId) => {
    const row = byClaim.get(claimId);
    if (!row) return [];
    const ids = [...row.evidence_ids].sort();
    const base = { claimId, answer: row.answer, justification: row.justification ?? null };
    return [version === 1 ? { ...base, evidenceIds: ids } : { ...base, evidence: ids.map((id) => ({ id, sha256: digests.get(id)?.sha256 ?? null })) }];
  });
}

export function responsesDigest(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex');
}

/** The problem type of a submission from a link that is not the Senior Responsible Owner's. */
export const SRO_REQUIRED = 'urn:assay:problem:sro-required';

const NEEDS_JUSTIFICATION = new Set(['not_applicable', 'not_met']);

/** The supplier's side of one assessment, reached only with that assessment's portal token. */
@Injectable()
export class PortalService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly reads: AssessmentReadModel,
    private readonly assessments: AssessmentsRepository,
    private readonly attestations: AttestationsRepository,
    private readonly contacts: SupplierContactsRepository,
    private readonly extensionRequests: ExtensionRequestsRepository,
    private readonly digests: EvidenceDigestsRepository,
    private readonly portalTokens: PortalTokensService,
    private readonly tokens: PortalTokensRepository,
    private readonly signOffRequests: SignOffRequestsRepository,
  ) {}

  async view(identity: PortalIdentity) {
    const { tenantId, assessmentId, contactId } = this.scope(identity);
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, assessmentId);
      const detail = await this.reads.detail(m, row);
      const contact = await this.contacts.findIncludingRemoved(m, tenantId, contactId);
      const [latestExtension] = await this.extensionRequests.ofAssessment(m, tenantId, assessmentId);
      const sro = await this.seniorResponsibleOwner(m, row);
      return {
        id: detail.id,
        customerName: await this.reads.tenantName(m, tenantId),
        supplier: { id: detail.supplierId, name: detail.supplierName },
        product: detail.productId ? { id: detail.productId, name: detail.productName } : null,
        contact: { id: contactId, name: contact?.name ?? null },
        // Who may submit and attest: the SRO when the supplier has one (anyone else can ask them to sign off).
        seniorResponsibleOwner: sro ? { name: sro.name } : null,
        canSubmit: !sro || sro.id === contactId,
        framework: detail.framework,
        status: detail.status,
        dueAt: detail.dueAt,
        overdue: detail.overdue,
        claimCount: detail.claimCount,
        answeredCount: detail.answeredCount,
        claims: detail.claims,
        attestation: detail.attestation,
        returnMessage: detail.returnMessage,
        /** The supplier's latest request for more time (pending or decided), null when none. */
        extensionRequest: latestExtension ? extensionRequestView(latestExtension) : null,
        findings: detail.findings.map(({ id, claimId, severity, title, description, status, remediationDueAt, remediationPlan, supplierAgreed }) => ({
          id,
          claimId,
          severity,
          title,
          description,
          status,
          remediationDueAt,
          remediationPlan,
          supplierAgreed,
        })),
      };
    }, tenantId);
  }

  async answer(identity: PortalIdentity, claimId: string, input: ClaimResponseDto) {
    const { tenantId, assessmentId, contactId } = this.scope(identity);
    const justification = input.justification?.trim() || null;
    if (NEEDS_JUSTIFICATION.has(input.answer) && !justification) {
      throw new ProblemException(400, `A justification is required when the answer is ${input.answer}`, {
        errors: [{ field: 'justification', message: `required for ${input.answer}` }],
      });
    }
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, assessmentId, true);
      if (!row.claim_ids.includes(claimId)) throw new NotFoundProblem(`Claim ${claimId} in this assessment`);
      if (!ANSWERABLE_STATUSES.includes(row.status)) throw new ConflictProblem(`The assessment is ${row.status}; its answers can no longer change`);
      const saved = await this.assessments.saveResponse(m, row, {
        id: newId(),
        claimId,
        answer: input.answer,
        justification,
        evidenceIds: [...new Set(input.evidenceIds ?? [])],
        contactId,
      });
      // An answer given by the supplier, the same as the carried one or not, is no longer carried forward.
      const confirmed = await this.assessments.confirmCarried(m, row, [claimId], contactId);
      const status = await this.startAnswering(m, row);
      await audit(m, tenantId, {
        action: 'claim_response.saved',
        targetType: 'assessment',
        targetId: assessmentId,
        changes: {
          claimId,
          answer: input.answer,
          ...(confirmed.length ? { carriedForward: false } : {}),
          ...(status !== row.status ? { status: { from: row.status, to: status } } : {}),
        },
      });
      return { claimId, status, response: responseView({ ...saved, carried_forward: false, imported_from: null }) };
    }, tenantId);
  }

  /** Confirms unchanged every carried-forward answer to the claims of one principle. */
  async confirmPrinciple(identity: PortalIdentity, principleId: string) {
    const { tenantId, assessmentId, contactId } = this.scope(identity);
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, assessmentId, true);
      const framework = await this.reads.framework(m, row);
      const principle = framework.themes.flatMap((theme) => theme.principles).find((candidate) => candidate.id === principleId);
      const applicable = new Set(row.claim_ids);
      const claimIds = (principle?.claims ?? []).map((claim) => claim.id).filter((claimId) => applicable.has(claimId));
      if (!claimIds.length) throw new NotFoundProblem(`Principle ${principleId.slice(0, 20)} in this assessment`);
      if (!ANSWERABLE_STATUSES.includes(row.status)) throw new ConflictProblem(`The assessment is ${row.status}; its answers can no longer change`);
      const confirmed = await this.assessments.confirmCarried(m, row, claimIds, contactId);
      const status = confirmed.length ? await this.startAnswering(m, row) : row.status;
      if (confirmed.length) {
        await audit(m, tenantId, {
          action: 'claim_responses.confirmed',
          targetType: 'assessment',
          targetId: assessmentId,
          changes: { principleId, claimIds: confirmed, ...(status !== row.status ? { status: { from: row.status, to: status } } : {}) },
        });
      }
      return { principleId, status, confirmedClaimIds: claimIds.filter((claimId) => confirmed.includes(claimId)) };
    }, tenantId);
  }

  async submit(identity: PortalIdentity, attestation: AttestationDto) {
    const { tenantId, assessmentId, contactId } = this.scope(identity);
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, assessmentId, true);
      await this.requireSignatory(m, row, contactId);
      // A sent assessment with carried answers is told which to confirm before it is told it cannot be submitted.
      if (row.status !== 'sent') assertTransition(row.status, 'submitted');
      const responses = await this.assessments.responses(m, row);
      const answered = new Set(responses.map((response) => response.claim_id));
      const unanswered = row.claim_ids.filter((claimId) => !answered.has(claimId));
      if (unanswered.length) {
        throw new ProblemException(409, `${unanswered.length} applicable claim(s) are not answered yet`, { unansweredClaimIds: unanswered });
      }
      const carried = new Set(responses.filter((response) => response.carried_forward || response.imported_from !== null).map((response) => response.claim_id));
      const unconfirmed = row.claim_ids.filter((claimId) => carried.has(claimId));
      if (unconfirmed.length) {
        throw new ProblemException(409, `${unconfirmed.length} answer(s) carried forward or imported from a declaration are not confirmed yet`, {
          unconfirmedClaimIds: unconfirmed,
        });
      }
      assertTransition(row.status, 'submitted');
      const evidenceIds = [...new Set(responses.flatMap((response) => response.evidence_ids))];
      const digests = await this.digests.ofSupplier(m, tenantId, row.supplier_id, evidenceIds);
      const digest = responsesDigest(attestedResponses(row.claim_ids, responses, ATTESTATION_CANONICAL_VERSION, digests));
      const signed = await this.attestations.insert(m, tenantId, assessmentId, {
        id: newId(),
        contactId,
        name: attestation.name.trim(),
        role: attestation.role.trim(),
        email: attestation.email.trim(),
        responsesSha256: digest,
        canonicalVersion: ATTESTATION_CANONICAL_VERSION,
      });
      const submitted = await this.assessments.markSubmitted(m, row);
      await audit(m, tenantId, {
        action: 'assessment.submitted',
        targetType: 'assessment',
        targetId: assessmentId,
        changes: { status: { from: row.status, to: 'submitted' }, attestedBy: attestation.email, responsesSha256: digest },
      });
      await emit(m, tenantId, 'assessment.submitted', await this.reads.eventData(m, submitted));
      return { id: assessmentId, status: submitted.status, overdue: isOverdue(submitted.status, submitted.due_at), attestation: attestationView(signed) };
    }, tenantId);
  }

  /**
   * When the supplier has a Senior Responsible Owner, only that contact's link signs: any other
   * link may answer but gets `sro-required` on submission (and may ask the SRO to sign instead).
   */
  private async requireSignatory(m: EntityManager, row: AssessmentRow, contactId: string): Promise<void> {
    const sro = await this.seniorResponsibleOwner(m, row);
    if (sro && sro.id !== contactId) {
      throw new ProblemException(403, `Only the supplier's Senior Responsible Owner (${sro.name}) can submit and attest; ask them to sign off`, {
        type: SRO_REQUIRED,
        title: 'Senior Responsible Owner required',
        seniorResponsibleOwner: { name: sro.name },
      });
    }
  }

  private async seniorResponsibleOwner(m: EntityManager, row: AssessmentRow): Promise<ContactRow | null> {
    return (await this.reads.contacts(m, row)).find((contact) => contact.is_senior_responsible_owner) ?? null;
  }

  /**
   * A contact who may not attest asks the Senior Responsible Owner to review and sign: the SRO gets
   * a new portal link of their own (hashed, expiring, revocable like every portal link) by email.
   */
  async requestSignOff(identity: PortalIdentity, message: string | null) {
    const { tenantId, assessmentId, contactId } = this.scope(identity);
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, assessmentId, true);
      if (!ANSWERABLE_STATUSES.includes(row.status)) throw new ConflictProblem(`The assessment is ${row.status}; there is nothing to sign`);
      const sro = await this.seniorResponsibleOwner(m, row);
      if (!sro) throw new ConflictProblem('The supplier has no Senior Responsible Owner: any contact with a link can submit');
      if (sro.id === contactId) throw new ConflictProblem('This is the Senior Responsible Owner’s own link: submit and attest here');
      // One request per contact and assessment an hour (business time): the SRO is not flooded with links.
      const last = await this.signOffRequests.lastRequestedAt(m, tenantId, assessmentId, contactId);
      if (last && clock.nowMs() - last.getTime() < SIGN_OFF_REQUEST_INTERVAL_MS) {
        const retryAt = new Date(last.getTime() + SIGN_OFF_REQUEST_INTERVAL_MS).toISOString();
        throw new ProblemException(409, `You asked for sign-off at ${last.toISOString()}; you can ask again from ${retryAt}`, {
          title: 'Sign-off already requested',
          retryAt,
        });
      }
      const requester = await this.contacts.findIncludingRemoved(m, tenantId, contactId);
      const { link, row: token } = this.portalTokens.mint(tenantId, row.id, sro.id, null, row.due_at);
      await this.tokens.insert(m, tenantId, token);
      await this.signOffRequests.insert(m, tenantId, { id: newId(), assessmentId, contactId, portalLinkId: link.id });
      await audit(m, tenantId, {
        action: 'assessment.sign_off_requested',
        targetType: 'assessment',
        targetId: assessmentId,
        changes: { requestedBy: contactId, seniorResponsibleOwner: sro.id, portalLinkId: link.id, expiresAt: link.expiresAt, message },
      });
      const data = await this.reads.eventData(m, row, { recipients: [recipientOf(sro, this.portalTokens.sealedForDelivery(tenantId, link))], message });
      await emit(m, tenantId, 'assessment.sign_off_requested', { ...data, requestedBy: { contactId, name: requester?.name ?? '' } });
      return { seniorResponsibleOwner: { name: sro.name }, linkExpiresAt: link.expiresAt };
    }, tenantId);
  }

  /** `sent` becomes `in_progress` with the supplier's first answer; the status after it. */
  private async startAnswering(m: EntityManager, row: AssessmentRow): Promise<AssessmentRow['status']> {
    if (row.status !== 'sent') return row.status;
    assertTransition(row.status, 'in_progress');
    await this.assessments.markInProgress(m, row);
    return 'in_progress';
  }

  private scope(identity: PortalIdentity): { tenantId: string; assessmentId: string; contactId: string } {
    return { tenantId: identity.tenantId, assessmentId: identity.portal.assessmentId, contactId: identity.portal.contactId };
  }
}
