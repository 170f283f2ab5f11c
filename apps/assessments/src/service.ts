/** The assessments service as its own process (main.ts) and the combined process of `npm start` boot it. */
import { AssessmentsModule, ASSESSMENTS_RESOLVERS, AssessmentsSchemaModule } from '@assay/assessments';
import { domainService } from '@assay/shared/http/app';

export const ASSESSMENTS_SERVICE = domainService('assessments', 'Assay assessments', AssessmentsModule, {
  resolvers: ASSESSMENTS_RESOLVERS,
  schemaModule: AssessmentsSchemaModule,
});
