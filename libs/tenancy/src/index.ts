export * from './tenancy.module';
