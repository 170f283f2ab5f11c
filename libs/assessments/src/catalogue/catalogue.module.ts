import { Module } from '@nestjs/common';
import { AssessmentsWorkerModule } from '../assessments-worker.module';
import { CatalogueController } from './catalogue.controller';
import { CatalogueResolver } from './catalogue.resolver';

@Module({
  imports: [AssessmentsWorkerModule],
  controllers: [CatalogueController],
  providers: [CatalogueResolver],
  exports: [AssessmentsWorkerModule],
})
export class CatalogueModule {}
