import { AdvisoryImportPayload, JobName } from '@assay/shared/contracts';
import { OnJob } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { AdvisoryImportService } from './advisory-import.service';

/** Reads one submitted advisory document (see AdvisoryImportService). */
@Injectable()
export class AdvisoryImportJob {
  constructor(private readonly imports: AdvisoryImportService) {}

  @OnJob(JobName.AdvisoryImport)
  run(payload: AdvisoryImportPayload): Promise<{ outcome: string }> {
    return this.imports.import(payload);
  }
}
