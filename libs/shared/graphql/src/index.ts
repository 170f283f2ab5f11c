export * from './subgraph.module';
export * from './relay-connection';
export * from './json-scalar';
export * from './problem-errors';
