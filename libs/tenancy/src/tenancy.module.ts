import { Module } from '@nestjs/common';

/** Resolvers of the tenancy subgraph (none yet: identity and tenants land with their own issue). */
export const TENANCY_RESOLVERS = [];

/** The tenancy domain: tenants, users, memberships, API keys, audit log. */
@Module({})
export class TenancyModule {}
