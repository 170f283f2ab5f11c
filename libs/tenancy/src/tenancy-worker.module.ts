import { Module } from '@nestjs/common';

/** The tenancy domain's background work, for the worker process (none needs the signing keys). */
@Module({})
export class TenancyWorkerModule {}
