import { Module } from '@nestjs/common';
import { CatalogueModule } from './catalogue/catalogue.module';
import { CatalogueResolver } from './catalogue/catalogue.resolver';
import { SuppliersModule } from './suppliers/suppliers.module';
import { AssessmentLifecycleModule } from './assessments/assessments.module';
import { AssessmentsResolver } from './graphql/assessments.resolver';
import { SuppliersResolver } from './graphql/suppliers.resolver';

/** Resolvers of the assessments subgraph (the schema tooling builds the subgraph SDL from them). */
export const ASSESSMENTS_RESOLVERS = [CatalogueResolver, SuppliersResolver, AssessmentsResolver];

/** The assessments domain: catalogue, suppliers, assessments (HTTP service and worker both import it). */
@Module({ imports: [CatalogueModule, SuppliersModule, AssessmentLifecycleModule], exports: [CatalogueModule] })
export class AssessmentsModule {}
