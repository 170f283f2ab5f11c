import { Module } from '@nestjs/common';
import { AssessmentsWorkerModule } from '../assessments-worker.module';
import { FindingsController, PortalFindingsController } from '../findings/findings.controller';
import { FindingsService } from '../findings/findings.service';
import { PortalService } from '../portal/portal.service';
import { SuppliersModule } from '../suppliers/suppliers.module';
import { AssessmentsController, PortalController, PortalCredentialsController } from './assessments.controller';
import { AssessmentsResolver } from '../graphql/assessments.resolver';
import { SuppliersResolver } from '../graphql/suppliers.resolver';
import { AssessmentReportService } from './assessment-report';
import { AssessmentReviewService } from './assessment-review.service';

@Module({
  imports: [AssessmentsWorkerModule, SuppliersModule],
  controllers: [AssessmentsController, PortalController, PortalCredentialsController, FindingsController, PortalFindingsController],
  providers: [AssessmentReviewService, AssessmentReportService, FindingsService, PortalService, SuppliersResolver, AssessmentsResolver],
})
export class AssessmentLifecycleModule {}
