import { bearer, signupTenant, testStack } from '@assay/shared/testing';
import fc from 'fast-check';

/*
 * Generated hostile requests through the gateway to a spread of routes of every service: bodies,
 * query strings, path parameters and headers. Whatever arrives, the answer is never a 5xx.
 */

const ROUTES: [method: string, path: string][] = [
  ['GET', '/api/v1/me'],
  ['PATCH', '/api/v1/tenant'],
  ['GET', '/api/v1/members'],
  ['PATCH', '/api/v1/members/:id'],
  ['DELETE', '/api/v1/members/:id'],
  ['POST', '/api/v1/invitations'],
  ['POST', '/api/v1/invitations/accept'],
  ['GET', '/api/v1/api-keys'],
  ['POST', '/api/v1/api-keys'],
  ['DELETE', '/api/v1/api-keys/:id'],
  ['GET', '/api/v1/audit-events'],
  ['POST', '/api/v1/auth/login'],
  ['POST', '/api/v1/auth/refresh'],
  ['GET', '/api/v1/frameworks/:id'],
  ['GET', '/api/v1/suppliers'],
  ['POST', '/api/v1/suppliers'],
  ['GET', '/api/v1/suppliers/:id'],
  ['PATCH', '/api/v1/suppliers/:id'],
  ['POST', '/api/v1/suppliers/:id/contacts'],
  ['POST', '/api/v1/suppliers/:id/products'],
  ['GET', '/api/v1/assessments'],
  ['POST', '/api/v1/assessments'],
  ['GET', '/api/v1/assessments/:id'],
  ['POST', '/api/v1/assessments/:id/send'],
  ['POST', '/api/v1/assessments/:id/review'],
  ['POST', '/api/v1/assessments/:id/portal-links'],
  ['GET', '/api/v1/assessments/:id/report'],
  ['POST', '/api/v1/assessments/:id/findings'],
  ['GET', '/api/v1/findings'],
  ['PATCH', '/api/v1/findings/:id'],
  ['GET', '/api/v1/portal/assessment'],
  ['PUT', '/api/v1/portal/assessment/responses/:id'],
  ['GET', '/api/v1/evidence'],
  ['POST', '/api/v1/evidence'],
  ['GET', '/api/v1/evidence/:id'],
  ['GET', '/api/v1/evidence/:id/content'],
  ['GET', '/api/v1/components'],
  ['GET', '/api/v1/advisories'],
  ['POST', '/api/v1/advisories'],
  ['GET', '/api/v1/advisories/:id'],
  ['GET', '/api/v1/advisories/imports/:id'],
  ['POST', '/api/v1/advisories/:id/inquiries'],
  ['GET', '/api/v1/advisories/:id/vex'],
  ['GET', '/api/v1/inquiries'],
  ['GET', '/api/v1/inquiries/:id'],
  ['GET', '/api/v1/portal/inquiry'],
  ['PUT', '/api/v1/portal/inquiry'],
  ['GET', '/api/v1/webhook-endpoints'],
  ['POST', '/api/v1/webhook-endpoints'],
  ['PATCH', '/api/v1/webhook-endpoints/:id'],
  ['GET', '/api/v1/webhook-endpoints/:id/deliveries'],
  ['POST', '/api/v1/webhook-deliveries/:id/redeliver'],
  ['GET', '/api/v1/reminders'],
  ['GET', '/api/v1/notifications'],
  ['POST', '/api/v1/notifications/:id/read'],
  ['POST', '/graphql'],
];

const FIELDS = [
  'name',
  'email',
  'password',
  'organisationName',
  'tenantId',
  'token',
  'refreshToken',
  'role',
  'scopes',
  'expiresAt',
  'settings',
  'reminderPolicy',
  'tier',
  'website',
  'domains',
  'companyNumber',
  'tags',
  'ownerUserId',
  'deliveryModel',
  'supplierId',
  'productId',
  'dueAt',
  'framework',
  'contactIds',
  'contactId',
  'decisions',
  'claimId',
  'verdict',
  'severity',
  'title',
  'status',
  'answer',
  'justification',
  'evidenceIds',
  'url',
  'events',
  'enabled',
  'description',
  'kind',
  'claimIds',
  'query',
  'variables',
  '__proto__',
  'constructor',
];
const QUERY = ['limit', 'cursor', 'supplierId', 'status', 'tier', 'q', 'kind', 'purl', 'name', 'version', 'assessmentId', 'overdue', 'unread', 'format', 'ids'];

const cursor = fc.oneof(
  fc
    .array(fc.oneof(fc.uuid(), fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.constantFrom('2024-02-30T00:00:00.000Z', '1e999', null)), {
      maxLength: 3,
    })
    .map((values) => Buffer.from(JSON.stringify(values)).toString('base64url')),
  fc.string({ maxLength: 20 }),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.uuid(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom(
    '',
    'critical',
    'developer_distributor',
    'met',
    'accepted',
    'admin',
    'uk-sscop',
    '1.2.1',
    '*',
    'http://169.254.169.254/',
    'pkg:npm/a@1',
    "' or 1=1 --",
    'x'.repeat(3000),
    '%00',
    '../..',
  ),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie('value'), { maxKeys: 4 }),
  ),
}));
const body = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }).map((object) => JSON.stringify(object)) },
  { weight: 1, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '{',
      '{"a":',
      'null',
      '[]',
      '"x"',
      `{"__proto__":{"polluted":true}}`,
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      `{"query":"${'{a'.repeat(200)}"}`,
      '\u0000',
      '{"query":"{ __schema { types { name } } }"}',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
);
const pathParameter = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.constantFrom('uk-sscop', '..%2F..%2Fetc', '%00', '00000000-0000-0000-0000-000000000000', 'x'.repeat(300), '%E0%A4%A', '1.2.1'),
);
const query = fc
  .array(fc.tuple(fc.constantFrom(...QUERY), fc.oneof(scalar.map(String), cursor)), { maxLength: 4 })
  .map((pairs) => pairs.map(([name, v]) => `${name}=${encodeURIComponent(v)}`).join('&'));

describe('gateway under generated hostile requests', () => {
  let token: string;
  beforeAll(async () => {
    token = (await signupTenant()).accessToken;
  });

  it('never answers with a 5xx', async () => {
    const headers = fc.record(
      {
        authorization: fc.oneof(
          fc.constant('own'),
          fc.constant('own'),
          fc.constantFrom('Bearer ', 'Bearer assay_x', 'Bearer assay_portal_x', 'Basic YTpi', 'Bearer eyJhbGciOiJub25lIn0.e30.'),
          fc.string({ maxLength: 20 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
        ),
        'content-type': fc.constantFrom(
          'application/json',
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          'application/xml',
        ),
        'idempotency-key': fc.option(
          fc.oneof(
            fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, '') || 'k'),
            fc.constant('x'.repeat(300)),
          ),
          { nil: undefined },
        ),
        'x-forwarded-for': fc.option(fc.constantFrom('127.0.0.1', 'not-an-ip', '::1, 10.0.0.1'), { nil: undefined }),
        accept: fc.option(fc.constantFrom('*/*', 'text/html', 'application/problem+json'), { nil: undefined }),
      },
      { requiredKeys: ['authorization', 'content-type'] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        pathParameter,
        query,
        headers,
        body,
        async ([method, template], parameter, search, requestHeaders, payload) => {
          const path = `${template.replace(':id', parameter)}${search ? `?${search}` : ''}`;
          const sent: Record<string, string> = {};
          for (const [name, v] of Object.entries(requestHeaders))
            if (v !== undefined) sent[name] = name === 'authorization' && v === 'own' ? `Bearer ${token}` : v;
          const response = await fetch(`${testStack().gatewayUrl}${path}`, {
            method,
            headers: sent,
            body: method === 'GET' || method === 'DELETE' ? undefined : payload,
            signal: AbortSignal.timeout(15_000),
          });
          const text = await response.text();
          if (response.status >= 500) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}\nbody: ${payload.slice(0, 300)}`);
          return true;
        },
      ),
      { numRuns: 300, timeout: 20_000 },
    );
  }, 240_000);

  it('a JSON body nested thousands deep is a 400 on every service (it overflowed the validation pipe: a 500)', async () => {
    const deep = `{"name":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    for (const [method, path] of [
      ['PATCH', '/api/v1/tenant'],
      ['POST', '/api/v1/suppliers'],
      ['POST', '/api/v1/evidence'],
      ['POST', '/api/v1/webhook-endpoints'],
    ]) {
      const response = await fetch(`${testStack().gatewayUrl}${path}`, {
        method,
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: deep,
      });
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
    }
  });

  it('a multipart body that breaks off or lacks its boundary is a 400 (the parser threw: a 500)', async () => {
    for (const body of ['"x"', '--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc', '--y\r\n\r\n--y--']) {
      const response = await fetch(`${testStack().gatewayUrl}/api/v1/evidence`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'multipart/form-data; boundary=x' },
        body,
      });
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
  });

  it.each([
    '/api/v1/suppliers',
    '/api/v1/assessments',
    '/api/v1/findings',
    '/api/v1/members',
    '/api/v1/api-keys',
    '/api/v1/audit-events',
    '/api/v1/evidence',
    '/api/v1/webhook-endpoints',
    '/api/v1/notifications',
  ])('a forged cursor on %s is a 400, not a query error', async (path) => {
    for (const values of [['x'], [1.5], ['2024-02-30T00:00:00.000Z', 'x'], [1e308, '00000000-0000-0000-0000-000000000000'], [null]]) {
      const forged = Buffer.from(JSON.stringify(values)).toString('base64url');
      const response = await fetch(`${testStack().gatewayUrl}${path}?cursor=${forged}`, { headers: bearer(token) });
      expect({ values, status: response.status }).toEqual({ values, status: 400 });
    }
  });

  it.each([
    ['DELETE', '/api/v1/frameworks', ['GET']],
    ['PUT', '/api/v1/suppliers', ['GET', 'POST']],
    ['POST', '/api/v1/evidence/00000000-0000-4000-8000-000000000000', ['GET']],
    ['PATCH', '/api/v1/webhook-endpoints', ['GET', 'POST']],
    ['PUT', '/api/v1/members', ['GET']],
  ])('%s %s is a 405 naming the methods the resource supports', async (method, path, expected) => {
    const response = await fetch(`${testStack().gatewayUrl}${path}`, { method, headers: { ...bearer(token), 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const allowed = (response.headers.get('allow') ?? '').split(',').map((m) => m.trim());
    for (const m of expected) expect(allowed).toContain(m);
    expect(allowed).not.toContain(method);
  });

  describe('GraphQL arguments no client means are a BAD_REQUEST naming the argument, in every subgraph', () => {
    const graphql = async (query: string, variables?: Record<string, unknown>) => {
      const response = await fetch(`${testStack().gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] } };
    };

    it.each([
      ['assessments', '{ framework(key: "\\u0000x") { key } }', 'key'],
      ['assessments', '{ supplier(id: "\\u0001") { id } }', 'id'],
      ['evidence', '{ componentExposure(purl: "pkg:npm/left-pad\\u0000") { purl } }', 'purl'],
      ['evidence', '{ evidence(id: "\\u001b[2J") { id } }', 'id'],
      ['notifications', '{ webhookEndpoint(id: "\\u007f") { id } }', 'id'],
      ['tenancy', '{ members(after: "\\u0000") { edges { cursor } } }', 'after'],
    ])('%s: %s', async (_subgraph, query, argument) => {
      const answer = await graphql(query);
      expect(answer.status).toBeLessThan(500);
      const [error] = answer.body.errors ?? [];
      expect(error?.extensions).toMatchObject({ code: 'BAD_REQUEST', errors: [{ field: argument }] });
      expect(error?.message).toContain(argument);
    });

    it('a NUL byte in a variable is refused the same way', async () => {
      const answer = await graphql('query ($key: String!) { framework(key: $key) { key } }', { key: 'uk-sscop\u0000' });
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', errors: [{ field: 'key' }] });
    });

    it.each(['2147483648', '-2147483649', '99999999999999999999', '1e400'])(
      'first: %s is a BAD_REQUEST naming first, never an internal error',
      async (first) => {
        const answer = await graphql(`{ suppliers(first: ${first}) { edges { cursor } } }`);
        expect(answer.status).toBeLessThan(500);
        expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', errors: [{ field: 'first' }] });
      },
    );

    it('an out-of-range number in a variable is a client error naming the variable', async () => {
      const answer = await graphql('query ($n: Int) { suppliers(first: $n) { edges { cursor } } }', { n: 2 ** 40 });
      expect(answer.status).toBeLessThan(500);
      expect(answer.body.errors?.[0]?.message).toContain('$n');
      expect(answer.body.errors?.map((error) => error.extensions?.['code'])).not.toContain('INTERNAL_SERVER_ERROR');
    });

    it('first out of the page range is a BAD_REQUEST naming it', async () => {
      for (const query of [
        '{ suppliers(first: 201) { edges { cursor } } }',
        '{ evidenceList(first: 0) { edges { cursor } } }',
        '{ webhookEndpoints(first: 500) { edges { cursor } } }',
        '{ members(first: -1) { edges { cursor } } }',
      ]) {
        const answer = await graphql(query);
        expect({ query, extensions: answer.body.errors?.[0]?.extensions }).toMatchObject({
          query,
          extensions: { code: 'BAD_REQUEST', errors: [{ field: 'first' }] },
        });
      }
    });
  });
});
