export * from './test-stack';
export * from './helpers';
export * from './smtp-sink';
export * from './kit';
export * from './sbom';
export * from './s3-server';
export * from './evidence';
export * from './response-conformance';
