/** Prints the tenancy subgraph's SDL and access rules. Run in its own process, so only this domain's GraphQL types are loaded. */
import 'reflect-metadata';
import { TENANCY_RESOLVERS } from '@assay/tenancy';
import { printSubgraph } from '../compose-supergraph';

void printSubgraph('tenancy', TENANCY_RESOLVERS);
