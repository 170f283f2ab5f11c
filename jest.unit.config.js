// @ts-check
const base = require('./jest.config.js');

/**
 * The fast inner loop (`npm run test:unit`): every `*.spec.ts`, with no database, Redis or stack.
 * Integration (`*.integration-spec.ts`) and end-to-end (`*.e2e-spec.ts`) tests need the stack that
 * `npm test` boots; unit specs never do.
 * @type {import('jest').Config}
 */
module.exports = {
  ...base,
  testMatch: ['**/*.spec.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
};
