import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResponseConformance } from '@assay/shared/testing';
import { buildOpenApiDocument } from './openapi-document';

type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

let document: Json;
const operations: { method: string; path: string; operation: Json }[] = [];

beforeAll(async () => {
  document = await buildOpenApiDocument();
  for (const [path, item] of Object.entries(document['paths'] as Record<string, Json>)) {
    for (const method of METHODS) if (item[method]) operations.push({ method, path, operation: item[method] });
  }
}, 60_000);

describe('the public OpenAPI document', () => {
  it('validates as OpenAPI 3.1 (@seriousme/openapi-schema-validator)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      // The validator is an ES module: it runs in its own Node process.
      const script = `import { Validator } from '@seriousme/openapi-schema-validator';
        const validator = new Validator();
        const result = await validator.validate(process.argv[1]);
        process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null }));`;
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, file], { cwd: join(__dirname, '..'), encoding: 'utf8' });
      expect(JSON.parse(output)).toEqual({ valid: true, version: '3.1', errors: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has one shared problem schema, and every error response of every operation is application/problem+json referring to it', () => {
    expect(document['components']['schemas']['Problem']).toMatchObject({ required: ['type', 'title', 'status'] });
    for (const { method, path, operation } of operations) {
      const errors = Object.entries(operation['responses'] as Record<string, Json>).filter(([status]) => /^[45]/.test(status));
      expect({ at: `${method} ${path}`, statuses: errors.map(([status]) => status) }).toEqual({
        at: `${method} ${path}`,
        statuses: expect.arrayContaining(['429']),
      });
      for (const [status, reference] of errors) {
        // Every error response is the one shared response of its status.
        expect(reference).toEqual({ $ref: `#/components/responses/Problem${status}` });
        const response = document['components']['responses'][`Problem${status}`];
        expect(response['content']).toEqual({
          'application/problem+json': {
            schema: { $ref: '#/components/schemas/Problem' },
            example: expect.objectContaining({ status: Number(status), type: expect.stringMatching(/^urn:assay:problem:/) }),
          },
        });
      }
    }
  });

  it('derives each operation’s security and problem statuses from its access rule and inputs', () => {
    expect(operations.length).toBeGreaterThanOrEqual(80);
    for (const { method, path, operation } of operations) {
      const rule = operation['x-assay-access'] as { kind: string };
      const statuses = Object.keys(operation['responses'] as Json);
      const at = `${method} ${path}`;
      if (rule.kind === 'anonymous') expect({ at, security: operation['security'] }).toEqual({ at, security: [] });
      else expect({ at, statuses }).toEqual({ at, statuses: expect.arrayContaining(['401', '403']) });
      if (rule.kind === 'portal') expect({ at, security: operation['security'] }).toEqual({ at, security: [{ portalToken: [] }] });
      if (rule.kind === 'permissions') expect({ at, security: operation['security'] }).toEqual({ at, security: expect.arrayContaining([{ userToken: [] }]) });
      if (path.includes('{')) expect({ at, statuses }).toEqual({ at, statuses: expect.arrayContaining(['404']) });
      if (operation['requestBody']) expect({ at, statuses }).toEqual({ at, statuses: expect.arrayContaining(['400', '413', '415']) });
    }
  });

  it('describes request bodies as strictly as validation: unknown properties, lengths, formats, enums, nulls', () => {
    const schemas = document['components']['schemas'] as Record<string, Json>;
    const supplier = schemas['CreateSupplierDto'] as Json;
    expect(supplier['additionalProperties']).toBe(false);
    expect(supplier['properties']['name']).toMatchObject({ type: 'string', minLength: 1, maxLength: 200 });
    expect(supplier['properties']['tier']).toMatchObject({ type: 'string', enum: ['critical', 'high', 'medium', 'low'] });
    expect(supplier['properties']['website']).toMatchObject({ type: ['string', 'null'], format: 'uri', maxLength: 2048 });
    expect(supplier['properties']['ownerUserId']).toMatchObject({ type: ['string', 'null'], format: 'uuid' });
    expect(supplier['properties']['tags']).toMatchObject({ maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 50 } });
    // A PATCH field that may be left out but never cleared takes no null.
    expect(schemas['UpdateSupplierDto']?.['properties']['tier']).toEqual({ type: 'string', enum: ['critical', 'high', 'medium', 'low'] });
    // Parameters too: query DTO rules, and path parameters read through ParseUUIDPipe.
    const parameters = (path: string, method = 'get') =>
      Object.fromEntries((document['paths'][path][method]['parameters'] as Json[]).map((parameter) => [parameter['name'], parameter['schema']]));
    expect(parameters('/api/v1/suppliers')).toMatchObject({
      limit: { type: 'integer', minimum: 1, maximum: 200 },
      q: { minLength: 1, maxLength: 100 },
      tier: { enum: ['critical', 'high', 'medium', 'low'] },
    });
    expect(parameters('/api/v1/portal/assessment/evidence')['ids']).toMatchObject({ type: 'array', maxItems: 50, items: { format: 'uuid' } });
    expect(parameters('/api/v1/suppliers/{id}')['id']).toEqual({ type: 'string', format: 'uuid' });
    for (const { operation } of operations) {
      const ref = operation['requestBody']?.['content']?.['application/json']?.['schema']?.['$ref'] as string | undefined;
      if (ref)
        expect({ ref, additionalProperties: schemas[ref.split('/').pop() as string]?.['additionalProperties'] }).toEqual({ ref, additionalProperties: false });
    }
  });

  it('gives every operation a success response with the schema of what it returns (none for 204)', () => {
    const described = operations.filter(({ operation }) =>
      Object.entries(operation['responses'] as Record<string, Json>).some(
        ([status, response]) => /^2/.test(status) && (status === '204' || Object.keys(response['content'] ?? {}).length > 0),
      ),
    );
    expect(operations.filter((operation) => !described.includes(operation)).map(({ method, path }) => `${method} ${path}`)).toEqual([]);
    const supplier = document['paths']['/api/v1/suppliers/{id}']['get']['responses']['200']['content']['application/json']['schema'];
    expect(supplier).toEqual({ $ref: '#/components/schemas/SupplierView' });
    expect(document['components']['schemas']['SupplierView']).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['id', 'name', 'tier', 'status']),
      properties: { tier: { type: 'string', enum: ['critical', 'high', 'medium', 'low'] }, website: { type: ['string', 'null'] } },
    });
    const page = document['paths']['/api/v1/suppliers']['get']['responses']['200']['content']['application/json']['schema'];
    expect(page).toMatchObject({
      properties: { data: { type: 'array', items: { $ref: '#/components/schemas/SupplierView' } }, nextCursor: { type: ['string', 'null'] } },
    });
    // The assurance pack is JSON, or CSV, a signed JWS or a CycloneDX declaration as the route declares.
    expect(Object.keys(document['paths']['/api/v1/assessments/{id}/report']['get']['responses']['200']['content']).sort()).toEqual([
      'application/jose',
      'application/json',
      'application/vnd.cyclonedx+json',
      'text/csv',
    ]);
  });

  it('names no schema an operation does not use (nothing of the routes the document leaves out)', () => {
    const used = JSON.stringify(document['paths']);
    const schemas = document['components']['schemas'] as Record<string, Json>;
    const reachable = new Set<string>(['Problem']);
    const pending = [used];
    for (let text = pending.pop(); text !== undefined; text = pending.pop()) {
      for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
        if (name && !reachable.has(name)) {
          reachable.add(name);
          pending.push(JSON.stringify(schemas[name]));
        }
      }
    }
    expect(Object.keys(schemas).filter((name) => !reachable.has(name))).toEqual([]);
  });

  it('shows a success example taken from a real response beside the schema of nearly every operation, and each conforms to it', () => {
    const conformance = new ResponseConformance(document);
    const withJson = operations.flatMap(({ method, path, operation }) =>
      Object.entries(operation['responses'] as Record<string, Json>)
        .filter(([status, response]) => /^2/.test(status) && response['content']?.['application/json']?.['schema'])
        .map(([status, response]) => ({ at: `${method.toUpperCase()} ${path} ${status}`, media: response['content']['application/json'] as Json })),
    );
    const examples = withJson.filter(({ media }) => media['examples']?.['recorded'] !== undefined);
    for (const { at, media } of examples)
      expect({ at, conforms: conformance.conforms(media['schema'], media['examples']['recorded']['value']) }).toEqual({ at, conforms: true });
    // Every operation the end-to-end suite answers with success has one; a new route gets its example from the next `npm run openapi:examples`.
    expect(examples.length / new Set(withJson.map(({ at }) => at.split(' ').slice(0, 2).join(' '))).size).toBeGreaterThanOrEqual(0.9);
  });
});
