import { Module } from '@nestjs/common';

/** Resolvers of the evidence subgraph (none yet: evidence ingestion lands with its own issue). */
export const EVIDENCE_RESOLVERS = [];

/** The evidence domain: uploads, storage, parsing, checks, components. */
@Module({})
export class EvidenceModule {}
