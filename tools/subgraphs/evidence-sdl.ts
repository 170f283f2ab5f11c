import 'reflect-metadata';
import { EVIDENCE_RESOLVERS } from '@assay/evidence';
import { printSubgraphSdl } from '../compose-supergraph';

printSubgraphSdl(EVIDENCE_RESOLVERS);
