export * from './local-infra-error';
export * from './free-port';
export * from './embedded-postgres';
export * from './redis-server';
export * from './local-stack';
export * from './process-supervisor';
export * from './redis-cluster';
