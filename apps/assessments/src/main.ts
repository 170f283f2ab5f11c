import 'reflect-metadata';
import { AssessmentsModule, ASSESSMENTS_RESOLVERS } from '@assay/assessments';
import { runService } from '@assay/shared/http/app';

void runService({ service: 'assessments', title: 'Assay assessments', imports: [AssessmentsModule], subgraph: ASSESSMENTS_RESOLVERS.length > 0 });
