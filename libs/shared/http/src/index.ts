export * from './problem-details';
export * from './problem-details.filter';
export * from './validation';
export * from './pagination';
export * from './idempotency.store';
export * from './logging.module';
export * from './process-lifetime';
export * from './openapi-description';
