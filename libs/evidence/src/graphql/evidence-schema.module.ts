import { Module } from '@nestjs/common';

/**
 * The module the evidence subgraph's GraphQL types are registered in (`registerIn`). Code-first GraphQL
 * otherwise puts every type a process has loaded into every schema; with it, a process that runs
 * several services (the combined process of `npm start`) builds each subgraph from its own types.
 */
@Module({})
export class EvidenceSchemaModule {}
