import 'reflect-metadata';
import { ASSESSMENTS_RESOLVERS } from '@assay/assessments';
import { printSubgraphSdl } from '../compose-supergraph';

printSubgraphSdl(ASSESSMENTS_RESOLVERS);
