import { AssessmentEventData, AssessmentRecipient, Identity } from '@assay/shared/contracts';
import { TenantDatabase, newId, updateReturning } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, Page, ProblemException, decodeCursor, toPage } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { audit, emit } from '../assessments-writes';
import { FrameworkDocument, applicableClaimIds } from '../catalogue/catalogue-document';
import { CatalogueService } from '../catalogue/catalogue.service';
import { CheckResults, ClaimCheck, Disagreement, disagreements } from '../checks/check-results';
import { FindingRow, FindingView, findingView } from '../findings/finding-view';
import { IssuedPortalLink, PortalTokensService } from '../portal/portal-tokens.service';
import { ContactRow } from '../suppliers/supplier-contacts.service';
import { SupplierRow, SuppliersService } from '../suppliers/suppliers.service';
import { ANSWERABLE_STATUSES, AssessmentStatus, CLOSED_STATUSES, assertTransition, isOverdue } from './assessment-status';
import { AssessmentScore, scoreAssessment } from './assessment-score';
import { ClaimAnswer, CreateAssessmentDto, ReviewVerdict } from './assessments.dto';

export const DEFAULT_FRAMEWORK = 'uk-sscop';
const MAX_DUE_MS = 2 * 366 * 86_400_000;

export interface AssessmentRow {
  tenant_id: string;
  id: string;
  supplier_id: string;
  product_id: string | null;
  framework_key: string;
  framework_version: string;
  claim_ids: string[];
  status: AssessmentStatus;
  due_at: Date;
  created_by: string | null;
  sent_at: Date | null;
  submitted_at: Date | null;
  closed_at: Date | null;
  return_message: string | null;
  conclusion: string | null;
  score: AssessmentScore | null;
  created_at: Date;
  updated_at: Date;
}

export interface ReviewRow {
  claim_id: string;
  verdict: ReviewVerdict;
  comment: string | null;
  reviewed_by: string | null;
  reviewed_at: Date;
}

export interface ClaimReviewView {
  verdict: ReviewVerdict;
  comment: string | null;
  reviewedAt: string;
}

export interface ResponseRow {
  claim_id: string;
  answer: ClaimAnswer;
  justification: string | null;
  evidence_ids: string[];
  answered_by_contact_id: string | null;
  answered_at: Date;
}

export interface AttestationRow {
  id: string;
  contact_id: string | null;
  name: string;
  role: string;
  email: string;
  statement: boolean;
  responses_sha256: string;
  signed_at: Date;
}

export interface ClaimResponseView {
  answer: ClaimAnswer;
  justification: string | null;
  evidenceIds: string[];
  answeredAt: string;
}

export interface AssessmentClaimView {
  id: string;
  themeId: string;
  principleId: string;
  text: string;
  evidenceKinds: string[];
  response: ClaimResponseView | null;
  review: ClaimReviewView | null;
  /** Automated check results beside the supplier's answer. */
  checks: ClaimCheck[];
}

export interface AssessmentSummary {
  id: string;
  supplierId: string;
  productId: string | null;
  framework: { key: string; version: string };
  status: AssessmentStatus;
  dueAt: string;
  overdue: boolean;
  claimCount: number;
  createdAt: string;
  sentAt: string | null;
  submittedAt: string | null;
  closedAt: string | null;
}

export interface AttestationView {
  name: string;
  role: string;
  email: string;
  statement: boolean;
  responsesSha256: string;
  signedAt: string;
}

export interface AssessmentDetail extends AssessmentSummary {
  supplierName: string;
  productName: string | null;
  answeredCount: number;
  claims: AssessmentClaimView[];
  attestation: AttestationView | null;
  /** The reviewer's message when the assessment was last returned to the supplier. */
  returnMessage: string | null;
  conclusion: string | null;
  /** Live while the assessment is open; the stored, final score once completed. */
  score: AssessmentScore;
  findings: FindingView[];
  /** Claims answered met while a supporting check failed or its evidence expired. */
  disagreements: Disagreement[];
}

export const summaryView = (row: AssessmentRow): AssessmentSummary => ({
  id: row.id,
  supplierId: row.supplier_id,
  productId: row.product_id,
  framework: { key: row.framework_key, version: row.framework_version },
  status: row.status,
  dueAt: row.due_at.toISOString(),
  overdue: isOverdue(row.status, row.due_at),
  claimCount: row.claim_ids.length,
  createdAt: row.created_at.toISOString(),
  sentAt: row.sent_at?.toISOString() ?? null,
  submittedAt: row.submitted_at?.toISOString() ?? null,
  closedAt: row.closed_at?.toISOString() ?? null,
});

export const responseView = (row: ResponseRow): ClaimResponseView => ({
  answer: row.answer,
  justification: row.justification,
  evidenceIds: row.evidence_ids,
  answeredAt: row.answered_at.toISOString(),
});

export const attestationView = (row: AttestationRow): AttestationView => ({
  name: row.name,
  role: row.role,
  email: row.email,
  statement: row.statement,
  responsesSha256: row.responses_sha256,
  signedAt: row.signed_at.toISOString(),
});

/** The applicable claims of an assessment in catalogue order, with the supplier's current answers. */
export function claimsWithResponses(
  framework: FrameworkDocument,
  claimIds: string[],
  responses: ResponseRow[],
  reviews: ReviewRow[] = [],
  checks: Map<string, ClaimCheck[]> = new Map(),
): AssessmentClaimView[] {
  const applicable = new Set(claimIds);
  const byClaim = new Map(responses.map((row) => [row.claim_id, row]));
  const reviewByClaim = new Map(reviews.map((row) => [row.claim_id, row]));
  return framework.themes.flatMap((theme) =>
    theme.principles.flatMap((principle) =>
      principle.claims
        .filter((claim) => applicable.has(claim.id))
        .map((claim) => {
          const response = byClaim.get(claim.id);
          const review = reviewByClaim.get(claim.id);
          return {
            id: claim.id,
            themeId: theme.id,
            principleId: principle.id,
            text: claim.text,
            evidenceKinds: claim.evidenceKinds,
            response: response ? responseView(response) : null,
            review: review ? { verdict: review.verdict, comment: review.comment, reviewedAt: review.reviewed_at.toISOString() } : null,
            checks: checks.get(claim.id) ?? [],
          };
        }),
    ),
  );
}

export const recipientOf = (contact: ContactRow, portalUrl?: string): AssessmentRecipient => ({
  contactId: contact.id,
  name: contact.name,
  email: contact.email,
  isSeniorResponsibleOwner: contact.is_senior_responsible_owner,
  ...(portalUrl ? { portalUrl } : {}),
});

/** Assessments of a supplier against a framework version: creation, sending, portal links, cancellation. */
@Injectable()
export class AssessmentsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalogue: CatalogueService,
    private readonly suppliers: SuppliersService,
    private readonly portalTokens: PortalTokensService,
    private readonly checks: CheckResults,
  ) {}

  async create(identity: Identity, input: CreateAssessmentDto): Promise<AssessmentDetail> {
    const tenantId = identity.tenantId as string;
    const dueAt = new Date(input.dueAt);
    if (dueAt.getTime() <= Date.now() || dueAt.getTime() > Date.now() + MAX_DUE_MS) {
      throw new ProblemException(400, 'dueAt must be a future date at most two years ahead', { errors: [{ field: 'dueAt', message: 'out of range' }] });
    }
    const framework = await this.catalogue.findFramework(input.framework ?? DEFAULT_FRAMEWORK);
    if (!framework) throw new ProblemException(400, `Unknown framework ${input.framework}`, { errors: [{ field: 'framework', message: 'unknown framework' }] });
    return this.database.run(async (m) => {
      const supplier = await this.suppliers.find(m, tenantId, input.supplierId);
      if (supplier.status !== 'active') throw new ConflictProblem('The supplier is offboarded');
      if (input.productId) await this.findProduct(m, tenantId, supplier.id, input.productId);
      const created = await this.open(m, supplier, framework, {
        productId: input.productId ?? null,
        dueAt,
        createdBy: identity.kind === 'user' ? identity.principalId : null,
      });
      return this.detail(m, created as AssessmentRow);
    }, tenantId);
  }

  /**
   * Inserts a draft with the claims that apply to the supplier's role, with its audit entry and
   * `assessment.created`. With `cycleDueAt` (a scheduled reassessment) it is null when that cycle
   * already has its assessment.
   */
  async open(
    m: EntityManager,
    supplier: SupplierRow,
    framework: FrameworkDocument,
    options: { productId: string | null; dueAt: Date; createdBy: string | null; cycleDueAt?: Date },
  ): Promise<AssessmentRow | null> {
    const tenantId = supplier.tenant_id;
    const id = newId();
    const claimIds = applicableClaimIds(framework, supplier.role);
    const [row]: AssessmentRow[] = await m.query(
      `insert into assessments.assessments (tenant_id, id, supplier_id, product_id, framework_key, framework_version, claim_ids, status, due_at, created_by, cycle_due_at)
       values ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10)
       on conflict (tenant_id, supplier_id, cycle_due_at) where cycle_due_at is not null do nothing returning *`,
      [tenantId, id, supplier.id, options.productId, framework.key, framework.version, claimIds, options.dueAt, options.createdBy, options.cycleDueAt ?? null],
    );
    if (!row) return null;
    await audit(m, tenantId, {
      action: 'assessment.created',
      targetType: 'assessment',
      targetId: id,
      changes: {
        supplierId: supplier.id,
        productId: row.product_id,
        framework: `${framework.key}@${framework.version}`,
        dueAt: options.dueAt.toISOString(),
        claimCount: claimIds.length,
      },
    });
    await emit(m, tenantId, 'assessment.created', await this.eventData(m, row));
    return row;
  }

  async list(
    tenantId: string,
    filter: { supplierId?: string; status?: AssessmentStatus; overdue?: boolean },
    limit: number,
    cursor?: string,
  ): Promise<Page<AssessmentSummary>> {
    const after = decodeCursor(cursor, ['uuid']);
    const rows: AssessmentRow[] = await this.database.run(
      (m) =>
        m.query(
          `select * from assessments.assessments
           where tenant_id = $1 and ($2::uuid is null or supplier_id = $2) and ($3::text is null or status = $3)
             and ($4::boolean is null or (status = any($5::text[]) and due_at < now()) = $4)
             and ($6::uuid is null or id < $6::uuid)
           order by id desc limit $7`,
          [tenantId, filter.supplierId ?? null, filter.status ?? null, filter.overdue ?? null, ANSWERABLE_STATUSES, after?.[0] ?? null, limit + 1],
        ),
      tenantId,
    );
    const page = toPage(rows, limit, (row) => [row.id]);
    return { data: page.data.map(summaryView), nextCursor: page.nextCursor };
  }

  async get(tenantId: string, id: string): Promise<AssessmentDetail> {
    return this.database.run(async (m) => this.detail(m, await this.find(m, tenantId, id)), tenantId);
  }

  async find(m: EntityManager, tenantId: string, id: string, lock = false): Promise<AssessmentRow> {
    const [row]: AssessmentRow[] = await m.query(`select * from assessments.assessments where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`, [
      tenantId,
      id,
    ]);
    if (!row) throw new NotFoundProblem('Assessment');
    return row;
  }

  async detail(m: EntityManager, row: AssessmentRow): Promise<AssessmentDetail> {
    const framework = await this.catalogue.getFramework(row.framework_key, row.framework_version, m);
    const supplier = await this.suppliers.find(m, row.tenant_id, row.supplier_id);
    const [product]: { name: string }[] = row.product_id
      ? await m.query(`select name from assessments.products where tenant_id = $1 and id = $2`, [row.tenant_id, row.product_id])
      : [];
    const responses = await this.responses(m, row);
    const reviews = await this.reviews(m, row);
    const [attestation]: AttestationRow[] = await m.query(
      `select * from assessments.attestations where tenant_id = $1 and assessment_id = $2 order by signed_at desc, id desc limit 1`,
      [row.tenant_id, row.id],
    );
    const claims = claimsWithResponses(framework, row.claim_ids, responses, reviews, await this.checks.forAssessment(m, row.tenant_id, row.id, row.product_id));
    return {
      ...summaryView(row),
      supplierName: supplier.name,
      productName: product?.name ?? null,
      answeredCount: responses.length,
      claims,
      attestation: attestation ? attestationView(attestation) : null,
      returnMessage: row.return_message,
      conclusion: row.conclusion,
      score: row.score ?? scoreAssessment(framework, row.claim_ids, new Map(responses.map((response) => [response.claim_id, response.answer]))),
      disagreements: disagreements(claims),
      findings: (
        (await m.query(`select * from assessments.findings where tenant_id = $1 and assessment_id = $2 order by id`, [row.tenant_id, row.id])) as FindingRow[]
      ).map(findingView),
    };
  }

  /** The reviewer's verdicts on the assessment's claims. */
  async reviews(m: EntityManager, row: AssessmentRow): Promise<ReviewRow[]> {
    return m.query(`select claim_id, verdict, comment, reviewed_by, reviewed_at from assessments.claim_reviews where tenant_id = $1 and assessment_id = $2`, [
      row.tenant_id,
      row.id,
    ]);
  }

  /** The current answers to the assessment's applicable claims. */
  async responses(m: EntityManager, row: AssessmentRow): Promise<ResponseRow[]> {
    return m.query(
      `select claim_id, answer, justification, evidence_ids, answered_by_contact_id, answered_at from assessments.claim_responses
       where tenant_id = $1 and assessment_id = $2 and claim_id = any($3::text[])`,
      [row.tenant_id, row.id, row.claim_ids],
    );
  }

  /** Sends a draft: one portal link per recipient, carried to them by `assessment.sent`. */
  async send(
    identity: Identity,
    id: string,
    contactIds?: string[],
  ): Promise<AssessmentDetail & { recipients: { contactId: string; email: string; expiresAt: string }[] }> {
    const tenantId = identity.tenantId as string;
    return this.database.run(async (m) => {
      const row = await this.find(m, tenantId, id, true);
      assertTransition(row.status, 'sent');
      const contacts = await this.contacts(m, row);
      const chosen = contactIds ? contactIds.map((contactId) => contacts.find((contact) => contact.id === contactId)) : contacts;
      if (chosen.some((contact) => contact === undefined)) throw new NotFoundProblem('Contact');
      if (chosen.length === 0) throw new ConflictProblem('The supplier has no contacts to send the assessment to');
      const links: IssuedPortalLink[] = [];
      for (const contact of chosen as ContactRow[]) links.push(await this.portalTokens.issue(m, tenantId, row.id, contact.id, identity.principalId));
      const [updated] = await updateReturning<AssessmentRow>(
        m,
        `update assessments.assessments set status = 'sent', sent_at = now(), updated_at = now() where tenant_id = $1 and id = $2 returning *`,
        [tenantId, id],
      );
      const sent = updated as AssessmentRow;
      const recipients = (chosen as ContactRow[]).map((contact, index) =>
        recipientOf(contact, this.portalTokens.sealedForDelivery(tenantId, links[index] as IssuedPortalLink)),
      );
      await audit(m, tenantId, {
        action: 'assessment.sent',
        targetType: 'assessment',
        targetId: id,
        changes: { status: { from: row.status, to: 'sent' }, recipients: recipients.map((recipient) => recipient.email) },
      });
      await emit(m, tenantId, 'assessment.sent', await this.eventData(m, sent, { recipients }));
      return {
        ...(await this.detail(m, sent)),
        recipients: links.map((link, index) => ({ contactId: link.contactId, email: (chosen[index] as ContactRow).email, expiresAt: link.expiresAt })),
      };
    }, tenantId);
  }

  /** A link to share by hand with one contact of the supplier (the assessment must have been sent). */
  async createPortalLink(identity: Identity, id: string, contactId: string): Promise<IssuedPortalLink> {
    const tenantId = identity.tenantId as string;
    return this.database.run(async (m) => {
      const row = await this.find(m, tenantId, id);
      const contact = (await this.contacts(m, row)).find((candidate) => candidate.id === contactId);
      if (!contact) throw new NotFoundProblem('Contact');
      if (row.status === 'draft') throw new ConflictProblem('Send the assessment before sharing portal links');
      if (CLOSED_STATUSES.includes(row.status)) throw new ConflictProblem(`The assessment is ${row.status}`);
      const link = await this.portalTokens.issue(m, tenantId, row.id, contact.id, identity.principalId);
      await audit(m, tenantId, {
        action: 'portal_link.created',
        targetType: 'portal_link',
        targetId: link.id,
        changes: { assessmentId: id, contactId, expiresAt: link.expiresAt },
      });
      return link;
    }, tenantId);
  }

  async listPortalLinks(tenantId: string, id: string) {
    return this.database.run(async (m) => {
      await this.find(m, tenantId, id);
      const rows: { id: string; contact_id: string; created_at: Date; expires_at: Date; revoked_at: Date | null; last_used_at: Date | null }[] = await m.query(
        `select id, contact_id, created_at, expires_at, revoked_at, last_used_at from assessments.portal_tokens where tenant_id = $1 and assessment_id = $2 order by id`,
        [tenantId, id],
      );
      return rows.map((row) => ({
        id: row.id,
        contactId: row.contact_id,
        createdAt: row.created_at.toISOString(),
        expiresAt: row.expires_at.toISOString(),
        revokedAt: row.revoked_at?.toISOString() ?? null,
        lastUsedAt: row.last_used_at?.toISOString() ?? null,
        status: row.revoked_at ? 'revoked' : row.expires_at <= new Date() ? 'expired' : 'active',
      }));
    }, tenantId);
  }

  async revokePortalLink(identity: Identity, id: string, linkId: string): Promise<void> {
    const tenantId = identity.tenantId as string;
    await this.database.run(async (m) => {
      const [row] = await updateReturning<{ id: string }>(
        m,
        `update assessments.portal_tokens set revoked_at = coalesce(revoked_at, now()) where tenant_id = $1 and assessment_id = $2 and id = $3 returning id`,
        [tenantId, id, linkId],
      );
      if (!row) throw new NotFoundProblem('Portal link');
      await audit(m, tenantId, { action: 'portal_link.revoked', targetType: 'portal_link', targetId: linkId, changes: { assessmentId: id } });
    }, tenantId);
  }

  async cancel(identity: Identity, id: string): Promise<AssessmentDetail> {
    const tenantId = identity.tenantId as string;
    return this.database.run(async (m) => {
      const row = await this.find(m, tenantId, id, true);
      assertTransition(row.status, 'cancelled');
      const [updated] = await updateReturning<AssessmentRow>(
        m,
        `update assessments.assessments set status = 'cancelled', closed_at = now(), updated_at = now() where tenant_id = $1 and id = $2 returning *`,
        [tenantId, id],
      );
      const cancelled = updated as AssessmentRow;
      await this.portalTokens.expireAll(m, tenantId, id);
      await audit(m, tenantId, {
        action: 'assessment.cancelled',
        targetType: 'assessment',
        targetId: id,
        changes: { status: { from: row.status, to: 'cancelled' } },
      });
      await emit(m, tenantId, 'assessment.cancelled', await this.eventData(m, cancelled));
      return this.detail(m, cancelled);
    }, tenantId);
  }

  /** `AssessmentEventData`: what notifications need for emails and reminders without calling back. */
  async eventData(m: EntityManager, row: AssessmentRow, extra: Partial<AssessmentEventData> = {}): Promise<AssessmentEventData> {
    const supplier: SupplierRow = await this.suppliers.find(m, row.tenant_id, row.supplier_id);
    const [product]: { name: string }[] = row.product_id
      ? await m.query(`select name from assessments.products where tenant_id = $1 and id = $2`, [row.tenant_id, row.product_id])
      : [];
    const sro = (await this.contacts(m, row)).find((contact) => contact.is_senior_responsible_owner);
    return {
      assessmentId: row.id,
      supplierId: row.supplier_id,
      supplierName: supplier.name,
      productId: row.product_id,
      productName: product?.name ?? null,
      status: row.status,
      dueAt: row.due_at.toISOString(),
      framework: row.framework_key,
      seniorResponsibleOwner: sro ? recipientOf(sro) : null,
      internalOwnerUserId: supplier.owner_user_id,
      ...extra,
    };
  }

  async contacts(m: EntityManager, row: AssessmentRow): Promise<ContactRow[]> {
    return m.query(`select * from assessments.supplier_contacts where tenant_id = $1 and supplier_id = $2 and removed_at is null order by id`, [
      row.tenant_id,
      row.supplier_id,
    ]);
  }

  private async findProduct(m: EntityManager, tenantId: string, supplierId: string, productId: string): Promise<void> {
    const [product] = await m.query(`select id from assessments.products where tenant_id = $1 and supplier_id = $2 and id = $3 and removed_at is null`, [
      tenantId,
      supplierId,
      productId,
    ]);
    if (!product) throw new NotFoundProblem('Product');
  }
}
