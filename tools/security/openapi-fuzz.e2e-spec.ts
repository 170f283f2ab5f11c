import { ResponseConformance, bearer, gateway, signupTenant } from '@assay/shared/testing';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Driven by the OpenAPI document the build wrote: for every operation, requests generated from its
 * own schemas (path and query parameters, body), mostly well-shaped with some junk mixed in, sent
 * through the gateway with a signed-in owner's token. Whatever is sent, the answer is never a 5xx and
 * always a status the operation documents, with a conforming body. For every operation with a JSON
 * body, two more properties: a body the document's schema accepts is never refused for its shape (the
 * validation's own 400, "The request has invalid fields"; a 400 for a rule no schema states, such as
 * a date in the past, is allowed), and a body the schema refuses (an unknown field, or a required
 * field missing) is never accepted.
 */

type Json = Record<string, any>;

const document = JSON.parse(readFileSync(join(__dirname, '../../dist/openapi.json'), 'utf8')) as Json;
const conformance = new ResponseConformance(document);
/** Requests per operation: bounded, so 80 operations stay within a couple of minutes on a busy machine. */
const RUNS_PER_OPERATION = 6;
/** Operations that end the caller's own session or second factor run last, so the others keep a working token. */
const LAST = new Set(['post /api/v1/auth/logout', 'post /api/v1/auth/switch-tenant', 'delete /api/v1/me/mfa/totp']);

function resolve(schema: Json): Json {
  let current = schema;
  for (let hops = 0; current['$ref'] && hops < 10; hops += 1) {
    current = document['components']['schemas'][String(current['$ref']).split('/').pop() as string] as Json;
  }
  return current;
}

/** Values of a JSON Schema (the subset the document uses), bounded in size. */
function arbitraryOf(input: Json, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(input);
  if (depth > 4) return fc.constant(null);
  if (schema['const'] !== undefined) return fc.constant(schema['const']);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  const variants = (schema['oneOf'] ?? schema['anyOf']) as Json[] | undefined;
  if (variants) return fc.oneof(...variants.map((variant) => arbitraryOf(variant, depth + 1)));
  if (Array.isArray(schema['type'])) return fc.oneof(...(schema['type'] as string[]).map((type) => arbitraryOf({ ...schema, type }, depth)));
  switch (schema['type']) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: schema['minimum'] ?? -5, max: schema['maximum'] ?? 1000 });
    case 'number':
      return fc.double({ min: schema['minimum'] ?? -5, max: schema['maximum'] ?? 1000, noNaN: true });
    case 'string':
      return stringOf(schema);
    case 'array':
      return fc.array(arbitraryOf(schema['items'] ?? {}, depth + 1), { minLength: schema['minItems'] ?? 0, maxLength: Math.min(schema['maxItems'] ?? 3, 3) });
    case 'object':
    case undefined: {
      const properties = (schema['properties'] ?? {}) as Record<string, Json>;
      if (!Object.keys(properties).length)
        return fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxKeys: 2 });
      const model = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, arbitraryOf(property, depth + 1)]));
      return fc.record(model, { requiredKeys: (schema['required'] ?? []) as string[] });
    }
    default:
      return fc.constant(null);
  }
}

function stringOf(schema: Json): fc.Arbitrary<string> {
  switch (schema['format']) {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
    case 'uri':
      return fc.webUrl();
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());
    default:
      break;
  }
  if (typeof schema['pattern'] === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema['pattern'] as string)).filter((value) => value.length <= 200);
    } catch {
      // A pattern fast-check cannot generate from (lookarounds: host names): host names and plain strings.
      return fc.oneof(fc.domain(), fc.string({ maxLength: 24 }));
    }
  }
  const minLength = schema['minLength'] ?? 0;
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(schema['maxLength'] ?? 24, 24)) });
}

interface Operation {
  method: string;
  path: string;
  operation: Json;
}

const operations: Operation[] = Object.entries(document['paths'] as Record<string, Json>)
  .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ method, path, operation: operation as Json })))
  .sort((a, b) => Number(LAST.has(`${a.method} ${a.path}`)) - Number(LAST.has(`${b.method} ${b.path}`)));

/** A request for one operation: its parameters and body from its schemas, sometimes junk instead. */
function requestOf({ path, operation }: Operation): fc.Arbitrary<{ url: string; body: unknown }> {
  const parameters = (operation['parameters'] ?? []) as Json[];
  const pathParameters = parameters.filter((parameter) => parameter['in'] === 'path');
  const queryParameters = parameters.filter((parameter) => parameter['in'] === 'query');
  const junk = fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String));
  const pathValues = fc.record(
    Object.fromEntries(
      pathParameters.map((parameter) => [
        parameter['name'] as string,
        fc.oneof({ weight: 4, arbitrary: arbitraryOf(parameter['schema'] ?? {}).map(String) }, junk),
      ]),
    ),
  );
  const queryValues = fc.record(
    Object.fromEntries(
      queryParameters.map((parameter) => [parameter['name'] as string, fc.oneof({ weight: 4, arbitrary: arbitraryOf(parameter['schema'] ?? {}) }, junk)]),
    ),
    { requiredKeys: [] },
  );
  const bodySchema = operation['requestBody']?.['content']?.['application/json']?.['schema'] as Json | undefined;
  const body = bodySchema ? fc.oneof({ weight: 4, arbitrary: arbitraryOf(bodySchema) }, fc.jsonValue({ maxDepth: 2 })) : fc.constant(undefined);
  return fc.tuple(pathValues, queryValues, body).map(([pathValue, queryValue, bodyValue]) => {
    const filled = path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(String(pathValue[name] ?? '')) || 'x');
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(queryValue)) {
      for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== null) query.append(name, String(item));
    }
    return { url: query.size ? `${filled}?${query}` : filled, body: bodyValue };
  });
}

/** The validation's own refusal: the request's shape is not what the route takes. */
const SHAPE_REFUSED = 'The request has invalid fields';
/** Rules between fields, which a JSON Schema does not state: a refusal naming only these is not one of shape. */
const BETWEEN_FIELDS = new Set(['validUntil must not be before validFrom']);

/** A valid path for an operation: each path parameter a value of its schema. */
function pathOf({ path, operation }: Operation): fc.Arbitrary<string> {
  const names = ((operation['parameters'] ?? []) as Json[]).filter((parameter) => parameter['in'] === 'path');
  const values = fc.record(Object.fromEntries(names.map((parameter) => [parameter['name'] as string, arbitraryOf(parameter['schema'] ?? {}).map(String)])));
  return values.map((value) => path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(String(value[name] ?? '')) || 'x'));
}

const bodySchemaOf = (operation: Operation): Json | undefined =>
  operation.operation['requestBody']?.['content']?.['application/json']?.['schema'] as Json | undefined;

/**
 * Sign-in routes stay out of the strictness properties: each well-shaped attempt is a failed sign-in
 * from the test machine's one address, and the sign-in throttle (per address, shared by every test of
 * the run) would then refuse other tests' sign-ins. Their bodies are covered by the DTO validation
 * properties (tools/security/dto-validation.properties.spec.ts).
 */
const SIGN_IN = new Set(['post /api/v1/auth/login', 'post /api/v1/auth/signup', 'post /api/v1/auth/refresh', 'post /api/v1/invitations/accept']);

/** Operations taking a JSON object body whose schema lists its properties. */
const withBodies = operations.filter((operation) => {
  const schema = bodySchemaOf(operation);
  const name = `${operation.method} ${operation.path}`;
  return schema !== undefined && Object.keys(resolve(schema)['properties'] ?? {}).length > 0 && !LAST.has(name) && !SIGN_IN.has(name);
});

describe('requests generated from the OpenAPI document', () => {
  let token: string;

  beforeAll(async () => {
    token = (await signupTenant()).accessToken;
  });

  it.each(operations.map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation] as const))(
    '%s: never a 5xx, always a documented status and body',
    async (_name, operation) => {
      await fc.assert(
        fc.asyncProperty(requestOf(operation), async ({ url, body }) => {
          const response = await gateway(url, {
            method: operation.method.toUpperCase(),
            headers: bearer(token),
            ...(body !== undefined ? { json: body } : {}),
          });
          const failure = conformance.check({
            method: operation.method.toUpperCase(),
            path: url.split('?')[0] as string,
            status: response.status,
            contentType: response.headers.get('content-type'),
            body: typeof response.body === 'object' && response.body !== null ? response.body : undefined,
          });
          expect(failure).toBeUndefined();
        }),
        { numRuns: RUNS_PER_OPERATION },
      );
    },
  );
});

describe('request bodies as strict as the document says, no stricter', () => {
  let token: string;

  beforeAll(async () => {
    token = (await signupTenant()).accessToken;
  });

  const send = (operation: Operation, url: string, body: unknown) =>
    gateway(url, { method: operation.method.toUpperCase(), headers: bearer(token), json: body });

  it.each(withBodies.map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation] as const))(
    '%s: a schema-valid body is not refused for its shape; a schema-invalid one is not accepted',
    async (_name, operation) => {
      const schema = bodySchemaOf(operation) as Json;
      const resolved = resolve(schema);
      await fc.assert(
        fc.asyncProperty(pathOf(operation), arbitraryOf(schema), async (url, body) => {
          fc.pre(conformance.conforms(schema, body));
          const response = await send(operation, url, body);
          const errors = (response.body?.errors ?? []) as { message: string }[];
          if (errors.length && errors.every((error) => BETWEEN_FIELDS.has(error.message))) return;
          expect({ body, status: response.status, detail: response.body?.detail, errors: response.body?.errors }).not.toMatchObject({
            status: 400,
            detail: SHAPE_REFUSED,
          });
        }),
        { numRuns: RUNS_PER_OPERATION, maxSkipsPerRun: 200 },
      );
      // Schema-invalid: a valid body with an unknown field, or without a required one.
      const required = (resolved['required'] ?? []) as string[];
      await fc.assert(
        fc.asyncProperty(pathOf(operation), arbitraryOf(schema), fc.boolean(), async (url, body, dropRequired) => {
          fc.pre(typeof body === 'object' && body !== null && conformance.conforms(schema, body));
          const invalid: Record<string, unknown> = { ...(body as Record<string, unknown>) };
          if (dropRequired && required.length) delete invalid[required[0] as string];
          else invalid['unexpectedField'] = 'x';
          if (conformance.conforms(schema, invalid)) return;
          const response = await send(operation, url, invalid);
          // Accepted would be a 2xx; the refusal says which field.
          expect(response.status >= 200 && response.status < 300 ? { accepted: invalid, status: response.status } : null).toBeNull();
        }),
        { numRuns: RUNS_PER_OPERATION, maxSkipsPerRun: 200 },
      );
    },
  );
});
