/** Prints the tenancy subgraph's SDL. Run in its own process, so only this domain's GraphQL types are loaded. */
import 'reflect-metadata';
import { TENANCY_RESOLVERS } from '@assay/tenancy';
import { printSubgraph } from '../compose-supergraph';

void printSubgraph(TENANCY_RESOLVERS);
