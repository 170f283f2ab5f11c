import { Module } from '@nestjs/common';
import { CatalogueController } from './catalogue.controller';
import { CatalogueRepository } from './catalogue.repository';
import { CatalogueResolver } from './catalogue.resolver';
import { CatalogueService } from './catalogue.service';

@Module({
  controllers: [CatalogueController],
  providers: [CatalogueRepository, CatalogueService, CatalogueResolver],
  exports: [CatalogueService],
})
export class CatalogueModule {}
