/** Prints the evidence subgraph's SDL and access rules. Run in its own process, so only this domain's GraphQL types are loaded. */
import 'reflect-metadata';
import { EVIDENCE_RESOLVERS } from '@assay/evidence';
import { printSubgraph } from '../compose-supergraph';

void printSubgraph('evidence', EVIDENCE_RESOLVERS);
