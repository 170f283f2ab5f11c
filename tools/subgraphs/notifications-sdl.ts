import 'reflect-metadata';
import { NOTIFICATIONS_RESOLVERS } from '@assay/notifications';
import { printSubgraphSdl } from '../compose-supergraph';

printSubgraphSdl(NOTIFICATIONS_RESOLVERS);
