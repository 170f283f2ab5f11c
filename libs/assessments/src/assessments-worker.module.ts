import { Module } from '@nestjs/common';
import { AssessmentsService } from './assessments/assessments.service';
import { CatalogueRepository } from './catalogue/catalogue.repository';
import { CatalogueService } from './catalogue/catalogue.service';
import { CheckResults } from './checks/check-results';
import { TenantDirectory } from './directory/tenant-directory';
import { TenantDirectoryListener } from './directory/tenant-directory.listener';
import { TenantDirectoryRepository } from './directory/tenant-directory.repository';
import { PortalTokensService } from './portal/portal-tokens.service';
import { ReassessmentJobs } from './reassessment/reassessment-jobs';
import { ReassessmentScheduleRepository } from './reassessment/reassessment-schedule.repository';
import { ReassessmentService } from './reassessment/reassessment.service';
import { SupplierAssessmentsRepository } from './suppliers/supplier-assessments.repository';
import { SuppliersRepository } from './suppliers/suppliers.repository';
import { SuppliersService } from './suppliers/suppliers.service';

const PROVIDERS = [
  CatalogueRepository,
  CatalogueService,
  SuppliersRepository,
  SupplierAssessmentsRepository,
  SuppliersService,
  PortalTokensService,
  CheckResults,
  TenantDirectoryRepository,
  TenantDirectory,
  TenantDirectoryListener,
  AssessmentsService,
  ReassessmentScheduleRepository,
  ReassessmentService,
  ReassessmentJobs,
];

/**
 * The assessments domain's background work: automated check results from evidence, the tenant
 * projection and scheduled reassessment, with the services they use. It names no controller or
 * resolver, so the worker, which imports only this, never loads the HTTP or GraphQL layers.
 */
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class AssessmentsWorkerModule {}
