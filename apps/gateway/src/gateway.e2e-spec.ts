import { IdentityTokenIssuer, generateIdentityKeyPair } from '@assay/shared/auth';
import { gateway, graphql, testStack } from '@assay/shared/testing';
import { randomUUID } from 'node:crypto';

describe('gateway (end to end)', () => {
  describe('catalogue over REST', () => {
    it('lists the frameworks', async () => {
      const { status, body } = await gateway('/api/v1/frameworks');
      expect(status).toBe(200);
      expect(body.nextCursor).toBeNull();
      expect(body.data).toEqual([
        expect.objectContaining({ key: 'uk-sscop', version: '2025-05-07', current: true, themeCount: 4, principleCount: 14, claimCount: 45 }),
      ]);
    });

    it('serves the Code: 4 themes, 14 principles, 45 claims, applicability, checks, mappings and attribution', async () => {
      const { status, body } = await gateway('/api/v1/frameworks/uk-sscop');
      expect(status).toBe(200);
      const principles = body.themes.flatMap((theme: any) => theme.principles);
      const claims = principles.flatMap((principle: any) => principle.claims);
      expect(body.themes).toHaveLength(4);
      expect(principles).toHaveLength(14);
      expect(claims).toHaveLength(45);
      expect(body.themes[0]).toMatchObject({ id: '1', title: 'Secure design and development' });
      expect(claims.find((claim: any) => claim.id === '1.2.1')).toEqual({
        id: '1.2.1',
        text: 'Every third-party component is identified and documented.',
        evidenceKinds: ['sbom'],
      });
      expect(body.applicability).toEqual({ developer_distributor: ['1', '2', '3', '4'], reseller: ['3', '4'], developer_only: ['1', '2', '3'] });
      expect(body.checks).toHaveLength(42);
      expect(body.checks).toContainEqual({ key: 'product.eos_notice', claimIds: ['4.2.1'], rule: 'endOfSupportAt - endOfSupportAnnouncedAt >= 365 days' });
      expect(body.mappings['nist-ssdf-1.1']['3.2']).toEqual(['RV.1.3']);
      expect(body.attribution).toBe('Contains public sector information licensed under the Open Government Licence v3.0.');
    });

    it('serves the framework as a CycloneDX 1.6 standard, every claim a requirement with a stable bom-ref', async () => {
      const { status, body } = await gateway('/api/v1/frameworks/uk-sscop?format=cyclonedx');
      expect(status).toBe(200);
      expect(body).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6' });
      const requirements = body.definitions.standards[0].requirements as { identifier: string; 'bom-ref': string; text?: string }[];
      expect(requirements.find((requirement) => requirement.identifier === '1.2.1')).toMatchObject({
        'bom-ref': 'urn:assay:framework:uk-sscop:2025-05-07:requirement:1.2.1',
        text: 'Every third-party component is identified and documented.',
      });
      expect((await gateway('/api/v1/frameworks/uk-sscop?format=cyclonedx')).body).toEqual(body);
      expect((await gateway('/api/v1/frameworks/uk-sscop?format=spdx')).status).toBe(400);
    });

    it('answers an unknown framework or version with a 404 problem', async () => {
      for (const path of ['/api/v1/frameworks/nope', '/api/v1/frameworks/uk-sscop?version=1999-01-01']) {
        const { status, headers, body } = await gateway(path);
        expect(status).toBe(404);
        expect(headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(body).toMatchObject({ type: 'urn:assay:problem:not-found', title: 'Not found', status: 404 });
      }
    });

    it('rejects invalid query input with a 400 naming the field', async () => {
      const { status, body } = await gateway('/api/v1/frameworks/uk-sscop?version=%3Cscript%3E');
      expect(status).toBe(400);
      expect(body.errors).toEqual([{ field: 'version', message: expect.stringContaining('version') }]);
    });

    it('answers unknown routes with a 404 problem', async () => {
      const { status, body } = await gateway('/api/v1/no-such-thing');
      expect(status).toBe(404);
      expect(body.status).toBe(404);
    });
  });

  describe('catalogue over GraphQL', () => {
    it('serves framework(key) through the federated graph', async () => {
      const { status, body } = await graphql(
        `
          query ($key: String!) {
            framework(key: $key) {
              key
              version
              claimCount
              attribution
              themes {
                id
                title
                principles {
                  id
                  claims {
                    id
                    evidenceKinds
                  }
                }
              }
              applicability {
                role
                themeIds
              }
              checks {
                key
                claimIds
              }
            }
          }
        `,
        { key: 'uk-sscop' },
      );
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      const framework = body.data.framework;
      expect(framework).toMatchObject({ key: 'uk-sscop', version: '2025-05-07', claimCount: 45 });
      expect(framework.themes.flatMap((t: any) => t.principles.flatMap((p: any) => p.claims))).toHaveLength(45);
      expect(framework.applicability).toContainEqual({ role: 'reseller', themeIds: ['3', '4'] });
      expect(framework.checks).toHaveLength(42);
    });

    it('returns null for an unknown framework', async () => {
      const { body } = await graphql('{ framework(key: "nope") { key } }');
      expect(body).toEqual({ data: { framework: null } });
    });
  });

  describe('internal identity', () => {
    it('services refuse requests that did not come through the gateway', async () => {
      const response = await fetch(`${testStack().serviceUrls['assessments']}/api/v1/frameworks`);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    });

    it('services refuse a token signed by any other key, and a token for another service', async () => {
      const forged = await new IdentityTokenIssuer(generateIdentityKeyPair().privateKey).issue(
        { kind: 'user', principalId: randomUUID(), tenantId: randomUUID(), role: 'owner', scopes: [], portal: null, requestId: 'x' },
        'assessments',
      );
      const forgedResponse = await fetch(`${testStack().serviceUrls['assessments']}/api/v1/frameworks`, { headers: { 'x-assay-identity': forged } });
      expect(forgedResponse.status).toBe(401);
      const key = Buffer.from(testStack().env['INTERNAL_TOKEN_PRIVATE_KEY'] as string, 'base64').toString();
      const forTenancy = await new IdentityTokenIssuer(key).issue(
        { kind: 'anonymous', principalId: null, tenantId: null, role: null, scopes: [], portal: null, requestId: 'x' },
        'tenancy',
      );
      const wrongAudience = await fetch(`${testStack().serviceUrls['assessments']}/api/v1/frameworks`, { headers: { 'x-assay-identity': forTenancy } });
      expect(wrongAudience.status).toBe(401);
      const graphqlResponse = await fetch(`${testStack().serviceUrls['assessments']}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ framework(key: "uk-sscop") { key } }' }),
      });
      const graphqlBody = (await graphqlResponse.json()) as { data?: { framework: unknown }; errors?: unknown[] };
      expect(graphqlBody.data?.framework ?? null).toBeNull();
      expect(graphqlBody.errors?.length).toBeGreaterThan(0);
    });

    it('ignores a client-supplied identity header and refuses credentials it cannot verify', async () => {
      const spoofed = await gateway('/api/v1/frameworks', { headers: { 'x-assay-identity': 'spoofed' } });
      expect(spoofed.status).toBe(200);
      const bearer = await gateway('/api/v1/frameworks', { headers: { authorization: 'Bearer made-up' } });
      expect(bearer.status).toBe(401);
      expect(bearer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const graph = await graphql('{ framework(key: "uk-sscop") { key } }', {}, { authorization: 'Bearer made-up' });
      expect(graph.status).toBe(401);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the stored response, refuses a different body under the same key, and validates the key', async () => {
      const key = randomUUID();
      const first = await gateway('/api/v1/frameworks', { method: 'POST', json: { a: 1 }, headers: { 'idempotency-key': key } });
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const replay = await gateway('/api/v1/frameworks', { method: 'POST', json: { a: 1 }, headers: { 'idempotency-key': key } });
      expect(replay.status).toBe(first.status);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      const different = await gateway('/api/v1/frameworks', { method: 'POST', json: { a: 2 }, headers: { 'idempotency-key': key } });
      expect(different.status).toBe(422);
      const invalid = await gateway('/api/v1/frameworks', { method: 'POST', json: { a: 1 }, headers: { 'idempotency-key': 'x'.repeat(300) } });
      expect(invalid.status).toBe(400);
    });
  });

  describe('operations', () => {
    it('every HTTP process answers /health/live, /health/ready (database and Redis) and /metrics', async () => {
      const urls = { gateway: testStack().gatewayUrl, ...testStack().serviceUrls };
      for (const [name, url] of Object.entries(urls)) {
        expect((await fetch(`${url}/health/live`)).status).toBe(200);
        const ready = await fetch(`${url}/health/ready`);
        expect(ready.status).toBe(200);
        const checks = ((await ready.json()) as { details: Record<string, { status: string }> }).details;
        expect(checks['redis']?.status).toBe('up');
        if (name !== 'gateway') expect(checks['database']?.status).toBe('up');
        const metrics = await (await fetch(`${url}/metrics`)).text();
        expect(metrics).toContain(`process_cpu_user_seconds_total{process="${name}"}`);
      }
    });

    it('serves the merged OpenAPI 3.1 document and a self-hosted docs page', async () => {
      const { status, body } = await gateway('/api/v1/openapi.json');
      expect(status).toBe(200);
      expect(body.openapi).toBe('3.1.0');
      expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/api/v1/frameworks', '/api/v1/frameworks/{key}']));
      // Each operation keeps the access rule its service declared (tools/security checks every one).
      expect(body.paths['/api/v1/frameworks'].get['x-assay-access']).toEqual({ kind: 'anonymous' });
      expect(body.paths['/api/v1/suppliers'].post['x-assay-access']).toEqual({ kind: 'permissions', permissions: ['suppliers:write'] });
      const docs = await gateway('/api/docs');
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(String(docs.body)).not.toMatch(/https?:\/\/(?!localhost)/);
      expect((await gateway('/api/docs/swagger-ui-bundle.js')).status).toBe(200);
    });

    it('tags every response with a request id', async () => {
      const { headers } = await gateway('/api/v1/frameworks');
      expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});

describe('gateway security surface', () => {
  it('serves security.txt (RFC 9116) and the disclosure policy it points to', async () => {
    const response = await fetch(`${testStack().gatewayUrl}/.well-known/security.txt`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^Contact: (mailto:|https:)/m);
    const expires = /^Expires: (\S+)$/m.exec(text)?.[1] as string;
    expect(new Date(expires).getTime()).toBeGreaterThan(Date.now() + 30 * 86_400_000);
    expect(new Date(expires).getTime()).toBeLessThan(Date.now() + 366 * 86_400_000);
    const policyUrl = /^Policy: (\S+)$/m.exec(text)?.[1] as string;
    const policy = await fetch(`${testStack().gatewayUrl}${new URL(policyUrl).pathname}`);
    expect(policy.status).toBe(200);
    expect(await policy.text()).toMatch(/vulnerability disclosure policy/i);
  });

  it('refuses GraphQL operations beyond the depth and alias limits before calling any subgraph', async () => {
    const ok = await graphql('query { framework(key: "uk-sscop") { ...T } } fragment T on Framework { themes { principles { claims { id evidenceKinds } } } }');
    expect(ok.body.errors).toBeUndefined();
    const nested = Array.from({ length: 12 }, (_, i) => `f${i}`).reduceRight((inner, field) => `${field} { ${inner} }`, 'id');
    const deep = await graphql(`{ ${nested} }`);
    expect(deep.body.data ?? null).toBeNull();
    expect(deep.body.errors.map((e: { message: string }) => e.message).join(' ')).toMatch(/depth/i);
    const manyAliases = await graphql(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: framework(key: "uk-sscop") { key }`).join(' ')} }`);
    expect(manyAliases.body.errors?.[0]?.message).toMatch(/alias/i);
    const fifteen = await graphql(`{ ${Array.from({ length: 15 }, (_, i) => `a${i}: framework(key: "uk-sscop") { key }`).join(' ')} }`);
    expect(fifteen.body.errors).toBeUndefined();
  });
});
