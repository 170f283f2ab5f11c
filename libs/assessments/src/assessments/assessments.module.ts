import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { CheckResults } from '../checks/check-results';
import { TenantDirectory } from '../directory/tenant-directory';
import { FindingsController, PortalFindingsController } from '../findings/findings.controller';
import { FindingsService } from '../findings/findings.service';
import { PortalTokensService } from '../portal/portal-tokens.service';
import { PortalService } from '../portal/portal.service';
import { ReassessmentJobs } from '../reassessment/reassessment-jobs';
import { SuppliersModule } from '../suppliers/suppliers.module';
import { AssessmentsController, PortalController, PortalCredentialsController } from './assessments.controller';
import { AssessmentsResolver } from '../graphql/assessments.resolver';
import { SuppliersResolver } from '../graphql/suppliers.resolver';
import { AssessmentReportService } from './assessment-report';
import { AssessmentReviewService } from './assessment-review.service';
import { AssessmentsService } from './assessments.service';

@Module({
  imports: [CatalogueModule, SuppliersModule],
  controllers: [AssessmentsController, PortalController, PortalCredentialsController, FindingsController, PortalFindingsController],
  providers: [CheckResults, AssessmentsService, AssessmentReviewService, AssessmentReportService, FindingsService, PortalTokensService, PortalService, TenantDirectory, SuppliersResolver, AssessmentsResolver, ReassessmentJobs],
})
export class AssessmentLifecycleModule {}
