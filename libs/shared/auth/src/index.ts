export * from './internal-identity-token';
export * from './identity.guard';
