import { OutboxRelayModule } from '@assay/shared/queue';
import { Module } from '@nestjs/common';
import { ASSESSMENTS_SCHEMA } from './assessments-writes';
import { AssessmentsService } from './assessments/assessments.service';
import { CatalogueRepository } from './catalogue/catalogue.repository';
import { CatalogueService } from './catalogue/catalogue.service';
import { CheckResults } from './checks/check-results';
import { TenantDirectory } from './directory/tenant-directory';
import { PortalTokensService } from './portal/portal-tokens.service';
import { ReassessmentJobs } from './reassessment/reassessment-jobs';
import { SuppliersService } from './suppliers/suppliers.service';

const PROVIDERS = [
  CatalogueRepository,
  CatalogueService,
  SuppliersService,
  PortalTokensService,
  CheckResults,
  TenantDirectory,
  AssessmentsService,
  ReassessmentJobs,
];

/**
 * The assessments domain's background work: automated check results from evidence, the tenant
 * projection and scheduled reassessment, with the services they use. It names no controller or
 * resolver, so the worker, which imports only this, never loads the HTTP or GraphQL layers. Checks and
 * scheduled reassessments write assessments events, so the process that runs it relays that outbox.
 */
@Module({ imports: [OutboxRelayModule.forSchema(ASSESSMENTS_SCHEMA)], providers: PROVIDERS, exports: PROVIDERS })
export class AssessmentsWorkerModule {}
