import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { AssessmentDirectoryRepository, KnownAssessment } from './assessment-directory.repository';

/** The evidence service's projection of the tenant's assessments (which may receive evidence). */
@Injectable()
export class AssessmentDirectoryService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly assessments: AssessmentDirectoryRepository,
  ) {}

  /** Applies an assessment's state as of `eventAt` (an older event never overwrites a newer one). */
  record(tenantId: string, assessment: KnownAssessment, eventAt: string): Promise<void> {
    return this.database.run((manager) => this.assessments.upsert(manager, tenantId, assessment, eventAt), tenantId);
  }
}
