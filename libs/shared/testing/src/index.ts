export * from './test-stack';
export * from './helpers';
