import { SERVICE_NAMES } from '@assay/shared/contracts';
import { bearer, gateway, signupTenant, startExtraGateway, waitFor } from '@assay/shared/testing';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The gateway's GraphQL limits (API.md: depth ≤ 10, aliases ≤ 15, cost ≤ 5000) at their exact
 * boundaries, through fragments, batches and GET, and the introspection setting. A refused operation
 * must never reach a subgraph: every request carries its own request id, which the gateway forwards
 * to the subgraphs it calls and every service logs, so the stack's log shows whether one was called.
 */

const SERVICE_LINE = new RegExp(`^(${SERVICE_NAMES.join('|')})\\s`);

/** Service log lines of the test stack carrying a request id. */
function serviceLinesFor(requestId: string): string[] {
  return readFileSync('test-results/stack.log', 'utf8')
    .split('\n')
    .filter((line) => SERVICE_LINE.test(line) && line.includes(requestId));
}

type Answer = { status: number; body: any };

/** POST /graphql under a fresh request id. */
async function post(body: unknown, headers: Record<string, string> = {}): Promise<Answer & { requestId: string }> {
  const requestId = `limits-${randomUUID()}`;
  const response = await gateway('/graphql', { method: 'POST', json: body, headers: { ...headers, 'x-request-id': requestId } });
  return { ...response, requestId };
}

/** A control the subgraphs answer, proving their lines reach the log; then none for the refused requests. */
async function expectNoSubgraphCalls(refused: { requestId: string }[]): Promise<void> {
  const control = await post({ query: '{ framework(key: "uk-sscop") { key } }' });
  expect(control.body.data.framework.key).toBe('uk-sscop');
  await waitFor(async () => serviceLinesFor(control.requestId).length > 0, 'the control request in the service logs');
  for (const { requestId } of refused) expect(serviceLinesFor(requestId)).toEqual([]);
}

const messages = (answer: Answer) => ((answer.body?.errors ?? []) as { message: string }[]).map((error) => error.message).join(' ');

function expectRefused(answer: Answer, limit: RegExp): void {
  expect(answer.body?.data ?? null).toBeNull();
  expect(messages(answer)).toMatch(limit);
}

/** supplier(id) → assessments → supplier → … → id: `depth` levels of fields. */
function chainFields(depth: number): string[] {
  return Array.from({ length: depth - 1 }, (_, i) => (i === 0 ? 'supplier(id: $id)' : i % 2 ? 'assessments' : 'supplier'));
}

const chain = (depth: number) => `query ($id: ID!) { ${chainFields(depth).reduceRight((inner, field) => `${field} { ${inner} }`, 'id')} }`;

/** The same chain behind a named fragment and an inline fragment, so no selection looks deep. */
function chainInFragments(depth: number): string {
  const [root, second, ...rest] = chainFields(depth);
  const inner = rest.reduceRight((nested, field) => `${field} { ${nested} }`, 'id');
  return `query ($id: ID!) { ${root} { ...Lower } } fragment Lower on Supplier { ${second} { ... on Assessment { ${inner} } } }`;
}

const aliased = (from: number, count: number) => Array.from({ length: count }, (_, i) => `a${from + i}: framework(key: "uk-sscop") { key }`).join(' ');

/**
 * An operation of exactly `cost` (≥ 5000): a page `x(first: n) { __typename }` costs (2 + 1.5 × 1) × n,
 * so seven pages of 200 cost 4900 and one of 28 costs 98; `__typename` costs 1, as does each aliased copy.
 * Distinct fields throughout: graphql-js itself aborts validation of thousands of identical ones.
 */
const PAGES = ['suppliers', 'assessments', 'evidenceList', 'webhookEndpoints', 'members', 'apiKeys', 'auditEvents'];
const costing = (cost: number) =>
  `{ ${PAGES.map((page) => `${page}(first: 200) { __typename }`).join(' ')} notifications(first: 28) { __typename } __typename ${Array.from({ length: cost - 4999 }, (_, i) => `t${i}: __typename`).join(' ')} }`;

describe('GraphQL operation limits at the gateway', () => {
  let auth: Record<string, string>;
  const variables = { id: randomUUID() };

  beforeAll(async () => {
    auth = bearer((await signupTenant()).accessToken);
  });

  it('allows depth 10 and refuses depth 11, also when fragments spread the nesting out, before any subgraph is called', async () => {
    for (const query of [chain(10), chainInFragments(10)]) {
      const allowed = await post({ query, variables }, auth);
      expect(allowed.body.errors).toBeUndefined();
      expect(allowed.body.data).toEqual({ supplier: null });
    }
    const refused = [];
    for (const query of [chain(11), chainInFragments(11)]) {
      const answer = await post({ query, variables }, auth);
      expectRefused(answer, /depth limit of 10 exceeded, found 11/);
      refused.push(answer);
    }
    await expectNoSubgraphCalls(refused);
  });

  it('allows 15 aliases and refuses 16, also when fragments hold them or one fragment is spread twice', async () => {
    const allowed = [`{ ${aliased(0, 15)} }`, `{ ...A ...B } fragment A on Query { ${aliased(0, 8)} } fragment B on Query { ${aliased(8, 7)} }`];
    for (const query of allowed) {
      const answer = await post({ query });
      expect(answer.body.errors).toBeUndefined();
      expect(Object.keys(answer.body.data)).toHaveLength(15);
    }
    const refused = [];
    for (const query of [
      `{ ${aliased(0, 16)} }`,
      `{ ...A ...B } fragment A on Query { ${aliased(0, 8)} } fragment B on Query { ${aliased(8, 8)} }`,
      `{ ...A ...A } fragment A on Query { ${aliased(0, 8)} }`,
      `{ framework(key: "uk-sscop") { ${Array.from({ length: 16 }, (_, i) => `k${i}: key`).join(' ')} } }`,
    ]) {
      const answer = await post({ query });
      expectRefused(answer, /Aliases limit of 15 exceeded, found 16/);
      refused.push(answer);
    }
    await expectNoSubgraphCalls(refused);
  });

  it('allows cost 5000 and refuses 5001, and counts a fragment each time it is spread', async () => {
    const allowed = await post({ query: costing(5000) }, auth);
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data.suppliers.__typename).toBe('SupplierConnection');
    const over = await post({ query: costing(5001) }, auth);
    expectRefused(over, /Cost limit of 5000 exceeded, found 5001\b/);
    // A page of 200 costs 700 written out; behind a fragment each spread costs 1 + 1.5 × (2 + 1.5 × 700) = 1579.
    const once = await post({ query: '{ ...Page } fragment Page on Query { suppliers(first: 200) { __typename } }' }, auth);
    expect(once.body.errors).toBeUndefined();
    const spread = await post({ query: '{ ...Page ...Page ...Page ...Page } fragment Page on Query { suppliers(first: 200) { __typename } }' }, auth);
    expectRefused(spread, /Cost limit of 5000 exceeded, found 6316\b/);
    await expectNoSubgraphCalls([over, spread]);
  });

  it('refuses an over-limit operation sent as a batch or over GET without calling a subgraph', async () => {
    const batch = await post([{ query: `{ ${aliased(0, 16)} }` }, { query: chain(11), variables }], auth);
    expect(batch.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(batch.body)).not.toContain('uk-sscop');
    // Batching is not offered: even two harmless operations in one request are refused.
    const harmless = await post([{ query: '{ framework(key: "uk-sscop") { key } }' }, { query: '{ frameworks { key } }' }]);
    expect(harmless.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(harmless.body)).not.toContain('uk-sscop');

    const requestId = `limits-${randomUUID()}`;
    const overGet = await gateway(`/graphql?query=${encodeURIComponent(`{ ${aliased(0, 16)} }`)}`, {
      headers: { 'x-request-id': requestId, accept: 'application/json' },
    });
    expectRefused(overGet, /Aliases limit of 15 exceeded/);
    await expectNoSubgraphCalls([batch, harmless, { requestId }]);
  });
});

describe('GraphQL introspection', () => {
  const INTROSPECTION = '{ __schema { queryType { name } } }';

  it('is on in the test stack (NODE_ENV=test), as it is outside production', async () => {
    const answer = await post({ query: INTROSPECTION });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.__schema.queryType.name).toBe('Query');
  });

  describe('on a gateway running in production', () => {
    let production: { url: string; stop(): Promise<void> };

    beforeAll(async () => {
      production = await startExtraGateway({ NODE_ENV: 'production' });
    });

    afterAll(async () => {
      await production?.stop();
    });

    const ask = async (query: string) => {
      const response = await fetch(`${production.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      return { status: response.status, body: (await response.json()) as any };
    };

    it('refuses __schema and __type but answers ordinary queries and __typename', async () => {
      for (const query of [
        INTROSPECTION,
        '{ __type(name: "Supplier") { fields { name } } }',
        '{ framework(key: "uk-sscop") { key } __schema { types { name } } }',
      ]) {
        const answer = await ask(query);
        expect(answer.body.data ?? null).toBeNull();
        expect(messages(answer)).toMatch(/introspection/i);
      }
      const ordinary = await ask('{ __typename framework(key: "uk-sscop") { __typename key } }');
      expect(ordinary.body.errors).toBeUndefined();
      expect(ordinary.body.data).toEqual({ __typename: 'Query', framework: { __typename: 'Framework', key: 'uk-sscop' } });
    });
  });
});
