// @ts-check
const base = require('./jest.config.js');

/**
 * The fault suite (`npm run test:faults`, not part of `npm test`): each `*.fault-spec.ts` boots a
 * stack of its own (embedded Postgres, redis-server, every process) and breaks it — killed workers,
 * restarted Redis and Postgres, SIGTERM under load. One file at a time: they load the machine.
 * @type {import('jest').Config}
 */
module.exports = {
  ...base,
  roots: ['<rootDir>/tools/faults'],
  testMatch: ['**/*.fault-spec.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 600_000,
  maxWorkers: 1,
};
