// @ts-check
const { readFileSync } = require('node:fs');

const { compilerOptions } = JSON.parse(readFileSync(`${__dirname}/tsconfig.base.json`, 'utf8'));

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/**
 * One run for unit (*.spec.ts), integration (*.integration-spec.ts, real Postgres + Redis) and
 * end-to-end (*.e2e-spec.ts, through the gateway) tests. The global setup (compiled by
 * `npm run build`, which `npm test` runs first) boots one stack for all of them.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/migrations', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts'],
  // uuid and jose ship ES modules only; Jest's CommonJS runtime needs them compiled.
  transform: { '^.+\\.ts$': swc, '^.+\\.m?js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(uuid|jose)/)'],
  moduleNameMapper: Object.fromEntries(
    Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias.replace(/[/]/g, '\\/')}$`, `<rootDir>/${target}`]),
  ),
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/libs/shared/testing/src/property-seed.js', '<rootDir>/libs/shared/testing/src/http-keep-alive.js'],
  globalSetup: '<rootDir>/dist/tools/test/global-setup.js',
  globalTeardown: '<rootDir>/dist/tools/test/global-teardown.js',
  reporters: ['default', '<rootDir>/libs/shared/testing/src/summary-reporter.js'],
  // Above the test kit's WAIT_MS: a wait names what it waited for before Jest gives up on the test.
  testTimeout: 120_000,
  maxWorkers: 2,
};
