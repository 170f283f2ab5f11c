/** Prints the notifications subgraph's SDL and access rules. Run in its own process, so only this domain's GraphQL types are loaded. */
import 'reflect-metadata';
import { NOTIFICATIONS_RESOLVERS } from '@assay/notifications';
import { printSubgraph } from '../compose-supergraph';

void printSubgraph('notifications', NOTIFICATIONS_RESOLVERS);
