export * from './tenancy.module';
export * from './tenancy-worker.module';
export * from './security/password-policy';
export * from './tenant/settings-schema';
export * from './graphql/tenancy-schema.module';
