import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const dependsOn = (source, allowed) => ({ sourceTag: source, onlyDependOnLibsWithTags: allowed });

// Scopes: a domain never imports another domain; shared imports nothing domain-specific.
const scopeConstraints = [
  dependsOn('scope:shared', ['scope:shared']),
  dependsOn('scope:tenancy', ['scope:shared', 'scope:tenancy']),
  dependsOn('scope:assessments', ['scope:shared', 'scope:assessments']),
  dependsOn('scope:evidence', ['scope:shared', 'scope:evidence']),
  dependsOn('scope:notifications', ['scope:shared', 'scope:notifications']),
  dependsOn('scope:migrations', ['scope:shared', 'scope:migrations']),
  dependsOn('scope:gateway', ['scope:shared']),
  // The portal page bundles nothing of the backend; only its browser test uses the shared test kit.
  dependsOn('scope:portal', ['scope:shared']),
  dependsOn('scope:worker', ['scope:shared', 'scope:tenancy', 'scope:assessments', 'scope:evidence', 'scope:notifications']),
  dependsOn('scope:tools', ['*']),
];

/** Types: apps sit on top; features use data-access and utils; utils stand alone. Tests may also use the testing lib. */
const typeConstraints = (testing) => {
  const extra = testing ? ['type:testing'] : [];
  return [
    dependsOn('type:app', ['type:feature', 'type:data-access', 'type:util', 'type:testing']),
    dependsOn('type:feature', ['type:data-access', 'type:util', ...extra]),
    dependsOn('type:data-access', ['type:data-access', 'type:util', ...extra]),
    dependsOn('type:util', ['type:util', ...extra]),
    dependsOn('type:testing', ['type:data-access', 'type:util']),
    dependsOn('type:tool', ['*']),
  ];
};

const boundaries = (testing) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], banTransitiveDependencies: false, depConstraints: [...scopeConstraints, ...typeConstraints(testing)] },
];

const TEST_FILES = ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts'];

/** The inner shape of a domain lib: SQL only in the repository of its aggregate; the edges call services. */
const DOMAIN_SOURCES = ['libs/tenancy/src/**/*.ts', 'libs/assessments/src/**/*.ts', 'libs/evidence/src/**/*.ts', 'libs/notifications/src/**/*.ts'];
const DOMAIN_EDGES = ['controller', 'resolver', 'listener', 'listeners', 'job', 'jobs'].map((role) => `libs/*/src/**/*.${role}.ts`);
const SQL_CALLS = {
  selector: 'CallExpression[callee.property.name=/^(query|createQueryBuilder|updateReturning|getRepository)$/]',
  message: 'SQL lives in the *.repository.ts of its aggregate: add a repository method and call it from a service.',
};
/** Business time comes from `clock` (`@assay/shared/clock`), which a test stack can move; durations a process measures use `machineNow()`. */
const MACHINE_TIME = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'Business time is clock.now() / clock.nowMs() (@assay/shared/clock); a duration this process measures for itself is machineNow().',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'Business time is clock.now() (@assay/shared/clock); a duration this process measures for itself is machineNow().',
  },
];
const BUSINESS_TIME_SOURCES = [...DOMAIN_SOURCES, 'libs/shared/auth/src/**/*.ts'];
const TENANT_CASTS = [
  {
    selector: "TSAsExpression[expression.property.name='tenantId']",
    message: 'Use a TenantIdentity (RequestContext.tenantIdentity): its tenantId is never null.',
  },
  {
    selector: "TSNonNullExpression[expression.property.name='tenantId']",
    message: 'Use a TenantIdentity (RequestContext.tenantIdentity): its tenantId is never null.',
  },
];

export default [
  { ignores: ['**/dist', '**/node_modules', '**/.assay', '**/*.mjs', 'coverage'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(false),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  { files: ['libs/**/*.ts', 'apps/**/*.ts'], ignores: TEST_FILES, rules: { 'no-restricted-syntax': ['error', ...TENANT_CASTS] } },
  {
    files: BUSINESS_TIME_SOURCES,
    ignores: TEST_FILES,
    rules: { 'no-restricted-syntax': ['error', ...MACHINE_TIME, ...TENANT_CASTS] },
  },
  {
    files: DOMAIN_SOURCES,
    ignores: ['**/*.repository.ts', ...TEST_FILES],
    rules: { 'no-restricted-syntax': ['error', SQL_CALLS, ...MACHINE_TIME, ...TENANT_CASTS] },
  },
  {
    files: DOMAIN_EDGES,
    ignores: TEST_FILES,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          // A row type is a type; reading or writing rows is not.
          patterns: [
            { group: ['**/*.repository'], allowTypeImports: true, message: 'Controllers, resolvers, listeners and jobs call services, never repositories.' },
          ],
          paths: [
            {
              name: 'typeorm',
              importNames: ['EntityManager'],
              allowTypeImports: false,
              message: 'Controllers, resolvers, listeners and jobs call services; transactions belong to services.',
            },
          ],
        },
      ],
    },
  },
  // Tests sit beside the code they test and may use the shared test kit (never product code).
  { files: TEST_FILES, rules: { '@nx/enforce-module-boundaries': boundaries(true) } },
  {
    files: [...TEST_FILES, 'tools/**/*.ts', 'bench/**/*.ts', 'libs/shared/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
