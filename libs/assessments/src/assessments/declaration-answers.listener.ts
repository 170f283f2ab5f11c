import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { DeclarationAnswersService } from './declaration-answers.service';

/** Prefills open assessments' answers from the evidence service's `evidence.declaration_stated`. */
@Injectable()
export class DeclarationAnswersListener {
  constructor(private readonly declarations: DeclarationAnswersService) {}

  @OnEvent({ types: ['evidence.declaration_stated'], name: 'assessments.declaration-answers' })
  async onDeclarationStated(event: DomainEvent<'evidence.declaration_stated'>): Promise<void> {
    await this.declarations.prefill(event);
  }
}
