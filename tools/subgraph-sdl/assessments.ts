/** Prints the assessments subgraph's SDL and access rules. Run in its own process, so only this domain's GraphQL types are loaded. */
import 'reflect-metadata';
import { ASSESSMENTS_RESOLVERS } from '@assay/assessments';
import { printSubgraph } from '../compose-supergraph';

void printSubgraph('assessments', ASSESSMENTS_RESOLVERS);
