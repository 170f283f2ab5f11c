export * from './tenancy.module';
export * from './tenancy-worker.module';
export * from './security/password-policy';
export * from './tenant/settings-schema';
