export * from './queue-names.constant';
export * from './domain-event';
export * from './job-payloads';
export * from './identity';
export * from './access';
export * from './tenant-settings';
export * from './event-data';
export * from './canonical-json';
