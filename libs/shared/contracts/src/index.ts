export * from './queue-names.constant';
export * from './domain-event';
export * from './job-payloads';
export * from './identity';
