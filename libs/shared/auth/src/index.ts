export * from './internal-identity-token';
export * from './identity.guard';
export * from './access-token';
export * from './credential-formats';
export * from './secret-box';
export * from './credential-links';
export * from './report-signing';
