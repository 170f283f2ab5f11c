import 'reflect-metadata';
import { TENANCY_RESOLVERS } from '@assay/tenancy';
import { printSubgraphSdl } from '../compose-supergraph';

printSubgraphSdl(TENANCY_RESOLVERS);
