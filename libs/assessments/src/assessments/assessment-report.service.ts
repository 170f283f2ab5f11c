import { clock } from '@assay/shared/clock';
import { TenantDatabase } from '@assay/shared/database';
import { ReportSigner } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { ConflictProblem } from '@assay/shared/http';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EvidenceDigestsRepository } from '../checks/evidence-digests.repository';
import { frameworkHeader } from '../catalogue/catalogue-document';
import { supplierView } from '../suppliers/suppliers.service';
import { AssessmentReadModel } from './assessment-read-model';
import { assessmentAsCycloneDx } from './assessment-declaration';
import { AssessmentRecordsRepository } from './assessment-records.repository';
import { AssessmentReport, RecordedReport, evidenceIdsOf, reportClaims } from './assessment-report';
import { AssessmentDetail, attestationView } from './assessment-views';
import type { AssessmentRow } from './assessments.repository';
import { AttestationsRepository } from './attestations.repository';

/**
 * Builds the assurance pack from the assessment as the API shows it, plus the catalogue, the evidence
 * digests and every attestation. A completed assessment's pack is served from its record, stored at
 * completion; only its findings (remediation goes on) are read live.
 */
@Injectable()
export class AssessmentReportService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly reads: AssessmentReadModel,
    private readonly attestations: AttestationsRepository,
    private readonly digests: EvidenceDigestsRepository,
    private readonly records: AssessmentRecordsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    if (!config.reportSigningPrivateKey) throw new Error('REPORT_SIGNING_PRIVATE_KEY is required');
    this.signer = new ReportSigner(config.reportSigningPrivateKey);
  }

  private readonly signer: ReportSigner;

  async report(tenantId: string, id: string): Promise<AssessmentReport> {
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, id);
      const record = row.status === 'completed' ? await this.records.find(m, tenantId, id) : null;
      const { detail, report } = record ? { detail: await this.reads.detail(m, row), report: record.report } : await this.current(m, row);
      return {
        generatedAt: clock.now().toISOString(),
        assessment: report.assessment,
        supplier: report.supplier,
        product: report.product,
        framework: report.framework,
        score: report.score,
        claims: report.claims,
        disagreements: report.disagreements,
        findings: detail.findings,
        attestations: report.attestations,
      };
    }, tenantId);
  }

  /** The assessment as a CycloneDX declaration (`?format=cdxa`): only once the supplier has attested. */
  async declaration(tenantId: string, id: string): Promise<Record<string, unknown>> {
    const report = await this.report(tenantId, id);
    if (!report.attestations.length)
      throw new ConflictProblem('The assessment has no attestation yet: its declaration is given once the supplier has submitted');
    const framework = await this.database.run(async (m) => this.reads.framework(m, await this.reads.assessment(m, tenantId, id)), tenantId);
    return assessmentAsCycloneDx(report, framework);
  }

  /** Stores what a completed assessment is served from from now on (inside the completing transaction). */
  async recordCompletion(m: EntityManager, row: AssessmentRow): Promise<AssessmentDetail> {
    const { detail, report } = await this.current(m, row);
    await this.records.insert(m, row.tenant_id, row.id, { claims: detail.claims, disagreements: detail.disagreements, report });
    return detail;
  }

  /** The assessment as it stands now and its report (without the generation time and findings). */
  private async current(m: EntityManager, row: AssessmentRow): Promise<{ detail: AssessmentDetail; report: RecordedReport }> {
    const tenantId = row.tenant_id;
    const detail = await this.reads.detail(m, row);
    const framework = await this.reads.framework(m, row);
    const supplier = await this.reads.supplier(m, tenantId, row.supplier_id);
    const product = await this.reads.product(m, row);
    const attestations = await this.attestations.all(m, tenantId, row.id);
    const digests = await this.digests.ofSupplier(m, tenantId, row.supplier_id, evidenceIdsOf(detail));
    const report: RecordedReport = {
      assessment: {
        id: detail.id,
        status: detail.status,
        dueAt: detail.dueAt,
        overdue: detail.overdue,
        createdAt: detail.createdAt,
        sentAt: detail.sentAt,
        submittedAt: detail.submittedAt,
        closedAt: detail.closedAt,
        returnMessage: detail.returnMessage,
        conclusion: detail.conclusion,
        openedBy: detail.openedBy,
        previousAssessmentId: detail.previousAssessmentId,
      },
      supplier: supplierView(supplier),
      product: product ? { id: product.id, name: product.name, currentVersion: product.current_version, deliveryModel: product.delivery_model } : null,
      framework: frameworkHeader(framework),
      score: detail.score,
      claims: reportClaims(framework, detail, digests),
      disagreements: detail.disagreements,
      attestations: attestations.map(attestationView),
    };
    return { detail, report };
  }

  /**
   * The signed assurance pack: the report as the payload of a compact JWS. Only a completed
   * assessment has one; anything still open would be a signature over a record that can change.
   */
  async signedReport(tenantId: string, id: string): Promise<string> {
    const report = await this.report(tenantId, id);
    if (report.assessment.status !== 'completed')
      throw new ConflictProblem(`Only a completed assessment has a signed assurance pack (this one is ${report.assessment.status})`);
    return this.signer.sign(report);
  }
}
