import { OutboxRelayModule } from '@assay/shared/queue';
import { Module } from '@nestjs/common';
import { AssessmentDrafts } from './assessments/assessment-drafts';
import { AssessmentDueDates } from './assessments/assessment-due-dates';
import { AssessmentReadModel } from './assessments/assessment-read-model';
import { AssessmentRecordsRepository } from './assessments/assessment-records.repository';
import { AssessmentsRepository } from './assessments/assessments.repository';
import { ASSESSMENTS_SCHEMA } from './assessments-writes';
import { AssessmentsService } from './assessments/assessments.service';
import { AttestationsRepository } from './assessments/attestations.repository';
import { CatalogueRepository } from './catalogue/catalogue.repository';
import { CatalogueService } from './catalogue/catalogue.service';
import { CheckResultsListener } from './checks/check-results.listener';
import { CheckResultsRepository } from './checks/check-results.repository';
import { CheckResultsService } from './checks/check-results.service';
import { EvidenceDigestsRepository } from './checks/evidence-digests.repository';
import { TenantDirectory } from './directory/tenant-directory';
import { TenantDirectoryListener } from './directory/tenant-directory.listener';
import { TenantDirectoryRepository } from './directory/tenant-directory.repository';
import { FindingsTimeJobs } from './findings/findings-time.jobs';
import { FindingsTimeService } from './findings/findings-time.service';
import { FindingsRepository } from './findings/findings.repository';
import { OverdueJobs } from './overdue/overdue-jobs';
import { OverdueRepository } from './overdue/overdue.repository';
import { OverdueService } from './overdue/overdue.service';
import { PortalTokensRepository } from './portal/portal-tokens.repository';
import { PortalTokensService } from './portal/portal-tokens.service';
import { SignOffRequestsRepository } from './portal/sign-off-requests.repository';
import { InquiryLinksListener } from './inquiries/inquiry-links.listener';
import { InquiryLinksRepository } from './inquiries/inquiry-links.repository';
import { InquiryLinksService } from './inquiries/inquiry-links.service';
import { RenewalLinksListener } from './renewal/renewal-links.listener';
import { RenewalLinksRepository } from './renewal/renewal-links.repository';
import { RenewalLinksService } from './renewal/renewal-links.service';
import { ReassessmentJobs } from './reassessment/reassessment-jobs';
import { ReassessmentScheduleRepository } from './reassessment/reassessment-schedule.repository';
import { ReassessmentTriggersListener } from './reassessment/reassessment-triggers.listener';
import { ReassessmentService } from './reassessment/reassessment.service';
import { DeclarationAnswersListener } from './assessments/declaration-answers.listener';
import { DeclarationAnswersService } from './assessments/declaration-answers.service';
import { ProductEndOfLifeListener } from './suppliers/product-end-of-life.listener';
import { ProductsRepository } from './suppliers/products.repository';
import { ProductsService } from './suppliers/products.service';
import { SupplierContactsRepository } from './suppliers/supplier-contacts.repository';
import { SuppliersRepository } from './suppliers/suppliers.repository';
import { SuppliersService } from './suppliers/suppliers.service';

const PROVIDERS = [
  CatalogueRepository,
  CatalogueService,
  SuppliersRepository,
  SupplierContactsRepository,
  ProductsRepository,
  SuppliersService,
  AssessmentsRepository,
  AttestationsRepository,
  AssessmentRecordsRepository,
  FindingsRepository,
  CheckResultsRepository,
  EvidenceDigestsRepository,
  PortalTokensRepository,
  SignOffRequestsRepository,
  AssessmentReadModel,
  AssessmentDrafts,
  AssessmentDueDates,
  PortalTokensService,
  TenantDirectoryRepository,
  CheckResultsService,
  CheckResultsListener,
  TenantDirectory,
  TenantDirectoryListener,
  AssessmentsService,
  ReassessmentScheduleRepository,
  ReassessmentService,
  ReassessmentJobs,
  OverdueRepository,
  OverdueService,
  OverdueJobs,
  FindingsTimeService,
  FindingsTimeJobs,
  ReassessmentTriggersListener,
  RenewalLinksRepository,
  RenewalLinksService,
  RenewalLinksListener,
  InquiryLinksRepository,
  InquiryLinksService,
  InquiryLinksListener,
  ProductsService,
  ProductEndOfLifeListener,
  DeclarationAnswersService,
  DeclarationAnswersListener,
];

/**
 * The assessments domain's background work: automated check results from evidence, the tenant
 * projection and scheduled reassessment, with the services they use. It names no controller or
 * resolver, so the worker, which imports only this, never loads the HTTP or GraphQL layers. Checks and
 * scheduled reassessments write assessments events, so the process that runs it relays that outbox.
 */
@Module({ imports: [OutboxRelayModule.forSchema(ASSESSMENTS_SCHEMA)], providers: PROVIDERS, exports: PROVIDERS })
export class AssessmentsWorkerModule {}
