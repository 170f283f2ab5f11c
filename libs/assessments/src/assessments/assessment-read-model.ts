import { AssessmentEventData, TenantSettings } from '@assay/shared/contracts';
import { NotFoundProblem } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FrameworkDocument } from '../catalogue/catalogue-document';
import { CatalogueService } from '../catalogue/catalogue.service';
import { claimChecks, disagreements } from '../checks/check-results';
import { CheckResultsRepository } from '../checks/check-results.repository';
import { TenantDirectoryRepository } from '../directory/tenant-directory.repository';
import { findingView } from '../findings/finding-view';
import { FindingsRepository } from '../findings/findings.repository';
import { ProductRow, ProductsRepository } from '../suppliers/products.repository';
import { ContactRow, SupplierContactsRepository } from '../suppliers/supplier-contacts.repository';
import { SupplierRow, SuppliersRepository } from '../suppliers/suppliers.repository';
import { scoreAssessment } from './assessment-score';
import { AssessmentRecordsRepository } from './assessment-records.repository';
import { AssessmentDetail, attestationView, claimsWithResponses, recipientOf, summaryView } from './assessment-views';
import { AssessmentRow, AssessmentsRepository } from './assessments.repository';
import { AttestationsRepository } from './attestations.repository';

/**
 * The reads every assessment use case shares inside its own transaction: the assessment (or 404), its
 * framework version, the assessment as the API shows it, its supplier's contacts, the data its events
 * carry and the customer tenant's projection. It composes repositories (and the cached catalogue and
 * tenant projection) and holds no SQL and no use case of its own.
 */
@Injectable()
export class AssessmentReadModel {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly directory: TenantDirectoryRepository,
    private readonly assessments: AssessmentsRepository,
    private readonly attestations: AttestationsRepository,
    private readonly suppliers: SuppliersRepository,
    private readonly products: ProductsRepository,
    private readonly supplierContacts: SupplierContactsRepository,
    private readonly findings: FindingsRepository,
    private readonly checkResults: CheckResultsRepository,
    private readonly records: AssessmentRecordsRepository,
  ) {}

  async assessment(m: EntityManager, tenantId: string, id: string, lock = false): Promise<AssessmentRow> {
    const row = await this.assessments.find(m, tenantId, id, lock);
    if (!row) throw new NotFoundProblem('Assessment');
    return row;
  }

  /** The supplier row, or 404. */
  supplier(m: EntityManager, tenantId: string, id: string, lock = false): Promise<SupplierRow> {
    return this.suppliers.find(m, tenantId, id, lock);
  }

  /** The assessment's product (removed or not), or null when it names none. */
  async product(m: EntityManager, row: AssessmentRow): Promise<ProductRow | null> {
    return row.product_id ? this.products.findIncludingRemoved(m, row.tenant_id, row.product_id) : null;
  }

  /** The framework version the assessment was created against. */
  framework(m: EntityManager, row: AssessmentRow): Promise<FrameworkDocument> {
    return this.catalogue.getFramework(row.framework_key, row.framework_version, m);
  }

  /** The customer's settings (the defaults until tenancy's event has arrived). */
  tenantSettings(m: EntityManager, tenantId: string): Promise<TenantSettings> {
    return this.directory.settings(m, tenantId);
  }

  /** The customer's name as the supplier portal shows it. */
  tenantName(m: EntityManager, tenantId: string): Promise<string | null> {
    return this.directory.tenantName(m, tenantId);
  }

  async detail(m: EntityManager, row: AssessmentRow): Promise<AssessmentDetail> {
    const framework = await this.framework(m, row);
    const supplier = await this.supplier(m, row.tenant_id, row.supplier_id);
    const product = await this.product(m, row);
    const productName = product?.name ?? null;
    const responses = await this.assessments.responses(m, row);
    const reviews = await this.assessments.reviews(m, row);
    const attestation = await this.attestations.latest(m, row.tenant_id, row.id);
    // A completed assessment shows its claims and disagreements as they stood at completion.
    const record = row.status === 'completed' ? await this.records.find(m, row.tenant_id, row.id) : null;
    let claims = record?.claims;
    if (!claims) {
      const checkRows = await this.checkResults.ofAssessment(m, row.tenant_id, row.id);
      const previous = row.previous_assessment_id ? await this.assessments.previousResponses(m, row) : null;
      claims = claimsWithResponses(framework, row.claim_ids, responses, reviews, claimChecks(checkRows, product), previous);
    }
    return {
      ...summaryView(row),
      supplierName: supplier.name,
      productName,
      answeredCount: responses.length,
      claims,
      attestation: attestation ? attestationView(attestation) : null,
      returnMessage: row.return_message,
      conclusion: row.conclusion,
      score: row.score ?? scoreAssessment(framework, row.claim_ids, new Map(responses.map((response) => [response.claim_id, response.answer]))),
      disagreements: record?.disagreements ?? disagreements(claims),
      findings: (await this.findings.ofAssessment(m, row.tenant_id, row.id)).map(findingView),
    };
  }

  /** The supplier's current contacts. */
  contacts(m: EntityManager, row: AssessmentRow): Promise<ContactRow[]> {
    return this.supplierContacts.list(m, row.tenant_id, row.supplier_id);
  }

  /** `AssessmentEventData`: what notifications need for emails and reminders without calling back. */
  async eventData(m: EntityManager, row: AssessmentRow, extra: Partial<AssessmentEventData> = {}): Promise<AssessmentEventData> {
    const supplier = await this.supplier(m, row.tenant_id, row.supplier_id);
    const productName = (await this.product(m, row))?.name ?? null;
    const sro = (await this.contacts(m, row)).find((contact) => contact.is_senior_responsible_owner);
    return {
      assessmentId: row.id,
      supplierId: row.supplier_id,
      supplierName: supplier.name,
      productId: row.product_id,
      productName,
      status: row.status,
      dueAt: row.due_at.toISOString(),
      framework: row.framework_key,
      seniorResponsibleOwner: sro ? recipientOf(sro) : null,
      internalOwnerUserId: supplier.owner_user_id,
      openedBy: row.opened_by,
      ...extra,
    };
  }
}
