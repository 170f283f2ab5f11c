import { clock } from '@assay/shared/clock';
import { TenantDatabase } from '@assay/shared/database';
import { ReportSigner } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { ConflictProblem } from '@assay/shared/http';
import { Inject, Injectable } from '@nestjs/common';
import { frameworkHeader } from '../catalogue/catalogue-document';
import { supplierView } from '../suppliers/suppliers.service';
import { AssessmentReadModel } from './assessment-read-model';
import { AssessmentReport, reportClaims } from './assessment-report';
import { attestationView } from './assessment-views';
import { AttestationsRepository } from './attestations.repository';

/** Builds the assurance pack from the assessment as the API shows it, plus the catalogue and every attestation. */
@Injectable()
export class AssessmentReportService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly reads: AssessmentReadModel,
    private readonly attestations: AttestationsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    if (!config.reportSigningPrivateKey) throw new Error('REPORT_SIGNING_PRIVATE_KEY is required');
    this.signer = new ReportSigner(config.reportSigningPrivateKey);
  }

  private readonly signer: ReportSigner;

  async report(tenantId: string, id: string): Promise<AssessmentReport> {
    return this.database.run(async (m) => {
      const row = await this.reads.assessment(m, tenantId, id);
      const detail = await this.reads.detail(m, row);
      const framework = await this.reads.framework(m, row);
      const supplier = await this.reads.supplier(m, tenantId, row.supplier_id);
      const product = await this.reads.product(m, row);
      const attestations = await this.attestations.all(m, tenantId, id);
      return {
        generatedAt: clock.now().toISOString(),
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
        },
        supplier: supplierView(supplier),
        product: product ? { id: product.id, name: product.name, currentVersion: product.current_version, deliveryModel: product.delivery_model } : null,
        framework: frameworkHeader(framework),
        score: detail.score,
        claims: reportClaims(framework, detail),
        disagreements: detail.disagreements,
        findings: detail.findings,
        attestations: attestations.map(attestationView),
      };
    }, tenantId);
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
