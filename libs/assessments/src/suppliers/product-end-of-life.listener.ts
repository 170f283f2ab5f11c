import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { ProductsService } from './products.service';

/** Sets a product's end of support from the evidence service's `evidence.end_of_life_stated` (once per evidence). */
@Injectable()
export class ProductEndOfLifeListener {
  constructor(private readonly products: ProductsService) {}

  @OnEvent({ types: ['evidence.end_of_life_stated'], name: 'assessments.product-end-of-life' })
  async onEndOfLifeStated(event: DomainEvent<'evidence.end_of_life_stated'>): Promise<void> {
    await this.products.applyEndOfLifeStatement(event.tenantId, event.data);
  }
}
