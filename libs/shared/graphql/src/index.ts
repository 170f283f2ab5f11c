export * from './subgraph.module';
export * from './relay-connection';
export * from './paging';
export * from './request-batch';
export * from './json-scalar';
export * from './problem-errors';
