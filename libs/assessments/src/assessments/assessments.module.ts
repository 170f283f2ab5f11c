import { Module } from '@nestjs/common';
import { AssessmentsWorkerModule } from '../assessments-worker.module';
import { FindingsController, PortalFindingsController } from '../findings/findings.controller';
import { FindingsService } from '../findings/findings.service';
import { AssessmentsResolver } from '../graphql/assessments.resolver';
import { SuppliersResolver } from '../graphql/suppliers.resolver';
import { PortalLinksService } from '../portal/portal-links.service';
import { PortalController, PortalCredentialsController } from '../portal/portal.controller';
import { PortalService } from '../portal/portal.service';
import { SuppliersModule } from '../suppliers/suppliers.module';
import { AssessmentReportService } from './assessment-report.service';
import { AssessmentReviewService } from './assessment-review.service';
import { AssessmentsController } from './assessments.controller';
import { ExtensionRequestsRepository } from './extension-requests.repository';
import { ExtensionRequestsService } from './extension-requests.service';

@Module({
  imports: [AssessmentsWorkerModule, SuppliersModule],
  controllers: [AssessmentsController, PortalController, PortalCredentialsController, FindingsController, PortalFindingsController],
  providers: [
    ExtensionRequestsRepository,
    ExtensionRequestsService,
    AssessmentReviewService,
    AssessmentReportService,
    PortalLinksService,
    FindingsService,
    PortalService,
    SuppliersResolver,
    AssessmentsResolver,
  ],
})
export class AssessmentLifecycleModule {}
