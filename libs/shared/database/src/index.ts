export * from './identifiers';
export * from './data-source.factory';
export * from './tenant-database';
export * from './migration-sql';
export * from './migration-runner';
export * from './runtime-role.check';
export * from './outbox-writer';
export * from './database.module';
