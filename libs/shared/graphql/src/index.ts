export * from './subgraph.module';
export * from './relay-connection';
