import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { CheckResultsService } from './check-results.service';

/** Keeps automated check results from the evidence service's `evidence.processed` events, and their dates from `evidence.validity_changed`. */
@Injectable()
export class CheckResultsListener {
  constructor(private readonly checkResults: CheckResultsService) {}

  @OnEvent({ types: ['evidence.processed'], name: 'assessments.checks' })
  onEvidenceProcessed(event: DomainEvent<'evidence.processed'>): Promise<void> {
    return this.checkResults.record(event);
  }

  @OnEvent({ types: ['evidence.validity_changed'], name: 'assessments.check-validity' })
  onValidityChanged(event: DomainEvent<'evidence.validity_changed'>): Promise<void> {
    return this.checkResults.followValidity(event);
  }
}
