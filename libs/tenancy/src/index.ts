export * from './tenancy.module';
export * from './security/password-policy';
export * from './tenant/settings-schema';
