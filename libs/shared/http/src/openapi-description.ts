import { ApiExtension } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problem } from './problem-details';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/** The OpenAPI extension naming the access rule of an operation (written by the access decorators of `@assay/shared/auth`). */
const ACCESS_EXTENSION = 'x-assay-access';

/** The OpenAPI extension listing the problem statuses a route gives for its own reasons (see `ApiProblem`). */
const PROBLEMS_EXTENSION = 'x-assay-problems';

/** The one problem+json schema every error response of the API refers to (RFC 9457). */
export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details: the one error shape of every Assay API.',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'A URN naming the kind of problem', example: 'urn:assay:problem:invalid-request' },
    title: { type: 'string', example: 'Invalid request' },
    status: { type: 'integer', minimum: 400, maximum: 599, example: 400 },
    detail: { type: 'string', example: 'name must be longer than or equal to 1 characters' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'The fields at fault, for a request that failed validation',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string', example: 'name' }, message: { type: 'string', example: 'must be longer than or equal to 1 characters' } },
      },
    },
  },
  additionalProperties: true,
} as const;

/** The bearer credentials the API accepts, one security scheme each. */
export const SECURITY_SCHEMES = {
  userToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A user access token (from /api/v1/auth/login or /api/v1/auth/signup)' },
  apiKey: { type: 'http', scheme: 'bearer', description: 'An organisation API key (`assay_…`), limited to its scopes' },
  portalToken: { type: 'http', scheme: 'bearer', description: 'A supplier portal token (`assay_portal_…`), bound to one assessment and contact' },
} as const;

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is not valid: the problem names the fields at fault',
  401: 'No valid credential',
  403: 'The credential does not allow this',
  404: 'Not found (or not visible to the caller)',
  409: 'Conflicts with the current state',
  413: 'The request body is too large',
  415: 'The request body has an unsupported content type',
  422: 'Well formed, but refused: the problem names the field (a webhook URL the outbound policy does not allow)',
  429: 'Too many requests: retry after the time in Retry-After',
};

/** A problem response referring to the shared schema. */
export function problemResponse(status: number, description = PROBLEM_DESCRIPTIONS[status] ?? 'Problem'): Json {
  return {
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' }, example: PROBLEM_EXAMPLES[status] ?? problem(status) } },
  };
}

const PROBLEM_RESPONSE_REF = /"#\/components\/responses\/Problem(\d{3})"/g;

/** An operation's problem response: a reference to the one response of that status (`components.responses.Problem<status>`). */
const problemResponseRef = (status: number): Json => ({ $ref: `#/components/responses/Problem${status}` });

/** The shared problem responses the paths refer to, by name. */
function problemResponsesOf(paths: Json): Json {
  const statuses = [...new Set([...JSON.stringify(paths).matchAll(PROBLEM_RESPONSE_REF)].map((match) => Number(match[1])))].sort((a, b) => a - b);
  return Object.fromEntries(statuses.map((status) => [`Problem${status}`, problemResponse(status)]));
}

/** What the API answers, as `problem()` writes it. */
const PROBLEM_EXAMPLES: Record<number, ProblemDetails> = {
  400: problem(400, 'name must be longer than or equal to 1 characters', {
    errors: [{ field: 'name', message: 'name must be longer than or equal to 1 characters' }],
  }),
  401: problem(401, 'Authentication required'),
  403: problem(403, 'This needs suppliers:write, which the caller does not hold'),
  404: problem(404, 'Supplier 0198c5d2-8d3f-7aa1-9c1e-2b7f4f0e1a2b not found'),
  409: problem(409, 'The assessment is completed; it can no longer change'),
  413: problem(413, 'Request body is too large'),
  415: problem(415, 'Unsupported Media Type: text/plain'),
  429: problem(429, 'Rate limit exceeded, retry in 30 seconds'),
};

interface AccessRuleLike {
  kind: string;
  permissions?: string[];
}

/** The security requirement of an operation, from the access rule its route declares. */
function securityOf(rule: AccessRuleLike | undefined): Json[] {
  switch (rule?.kind) {
    case 'anonymous':
      return [];
    case 'portal':
      return [{ portalToken: [] }];
    case 'permissions':
      return (rule.permissions ?? []).every((permission) => permission === 'self') ? [{ userToken: [] }] : [{ userToken: [] }, { apiKey: [] }];
    default:
      return [{ userToken: [] }];
  }
}

/**
 * The problem statuses an operation can give, derived from what kind of route it is: its credential
 * (401, 403 unless anonymous), its inputs (400), a path or body naming a resource (404), a request body
 * (413/415), a change of state (409) and the gateway's rate limits (429). Statuses a route gives for its own reasons (an
 * anonymous sign-in refused with 401, a 422) are declared on the route with `@ApiProblem`.
 */
function derivedProblemStatuses(method: string, path: string, operation: Json, rule: AccessRuleLike | undefined, schemas: Json): number[] {
  // 429: the gateway's rate limits; 401: a credential that is presented must be valid, even on an anonymous route.
  const statuses = new Set<number>([401, 429]);
  const hasInput = ((operation['parameters'] as unknown[] | undefined) ?? []).length > 0 || operation['requestBody'] !== undefined;
  if (hasInput) statuses.add(400);
  if (rule?.kind !== 'anonymous') statuses.add(403);
  // A path naming a resource, or a body naming one (`supplierId`, `contactIds`) that may not exist.
  if (path.includes('{') || bodyNamesResource(operation, schemas)) statuses.add(404);
  if (operation['requestBody'] !== undefined) statuses.add(413).add(415);
  // A change is checked against the current state (a duplicate, a transition the state does not allow).
  if (method !== 'get') statuses.add(409);
  return [...statuses];
}

function bodyNamesResource(operation: Json, schemas: Json): boolean {
  return refsIn(operation['requestBody']).some((name) => {
    const properties = ((schemas[name] as Json | undefined)?.['properties'] ?? {}) as Json;
    return Object.keys(properties).some((property) => /Ids?$/.test(property));
  });
}

const isSuccess = (status: string): boolean => /^2\d\d$/.test(status);

/**
 * Completes a service's generated OpenAPI document: the shared problem schema and the security
 * schemes, each operation's security requirement and problem responses, request schemas as strict as
 * the validation behind them (unknown properties refused, the class-validator rules as formats,
 * lengths, patterns and bounds).
 */
export function describeOperations(document: Json): Json {
  const components = ((document['components'] as Json | undefined) ??= {});
  const schemas = ((components['schemas'] as Json | undefined) ??= {});
  schemas['Problem'] = PROBLEM_SCHEMA;
  components['securitySchemes'] = { ...((components['securitySchemes'] as Json | undefined) ?? {}), ...SECURITY_SCHEMES };
  const requestSchemas = new Set<string>();
  for (const [path, item] of Object.entries((document['paths'] as Record<string, Json> | undefined) ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const rule = operation[ACCESS_EXTENSION] as AccessRuleLike | undefined;
      operation['security'] = securityOf(rule);
      const responses = ((operation['responses'] as Record<string, Json> | undefined) ??= {});
      for (const [status, response] of Object.entries(responses)) {
        if (isSuccess(status) && !response['description']) response['description'] = status === '201' ? 'Created' : status === '204' ? 'No content' : 'OK';
      }
      const declared = (operation[PROBLEMS_EXTENSION] as number[] | undefined) ?? [];
      delete operation[PROBLEMS_EXTENSION];
      for (const status of [...derivedProblemStatuses(method, path, operation, rule, schemas), ...declared])
        responses[String(status)] ??= problemResponseRef(status);
      for (const ref of refsIn(operation['requestBody'])) requestSchemas.add(ref);
    }
  }
  components['responses'] = { ...((components['responses'] as Json | undefined) ?? {}), ...problemResponsesOf((document['paths'] as Json | undefined) ?? {}) };
  nullableAsTypeUnion(document);
  for (const name of closure(requestSchemas, schemas)) {
    const schema = schemas[name] as Json;
    schema['additionalProperties'] = false;
    applyValidationRules(name, schema);
  }
  return document;
}

/** OpenAPI 3.0's `nullable: true` (which @nestjs/swagger writes) as 3.1's type union with null. */
function nullableAsTypeUnion(value: unknown): void {
  const pending: unknown[] = [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next === null || typeof next !== 'object') continue;
    const schema = next as Json;
    if (schema['nullable'] === true) {
      delete schema['nullable'];
      if (typeof schema['type'] === 'string') schema['type'] = [schema['type'], 'null'];
      else if (schema['$ref'] || schema['allOf']) {
        const { description, ...rest } = schema;
        for (const key of Object.keys(schema)) delete schema[key];
        Object.assign(schema, {
          ...(description ? { description } : {}),
          oneOf: [rest['allOf'] ? { allOf: rest['allOf'] } : { $ref: rest['$ref'] }, { type: 'null' }],
        });
      }
      if (Array.isArray(schema['enum']) && !schema['enum'].includes(null)) schema['enum'] = [...(schema['enum'] as unknown[]), null];
    }
    pending.push(...Object.values(schema));
  }
}

const REF_PREFIX = '#/components/schemas/';

function refsIn(value: unknown): string[] {
  const found: string[] = [];
  const pending: unknown[] = [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next === null || typeof next !== 'object') continue;
    const ref = (next as Json)['$ref'];
    if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) found.push(ref.slice(REF_PREFIX.length));
    pending.push(...Object.values(next));
  }
  return found;
}

/** The named schemas and every schema they refer to. */
function closure(names: Set<string>, schemas: Json): string[] {
  const seen = new Set<string>();
  const pending = [...names];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name) || !schemas[name]) continue;
    seen.add(name);
    pending.push(...refsIn(schemas[name]));
  }
  return [...seen];
}

/** The class-validator rules of a DTO class (its own and inherited), by the class name @nestjs/swagger gives its schema. */
function classRules(name: string): ValidationMetadata[] {
  type Target = Parameters<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[0];
  const storage = getMetadataStorage() as unknown as { validationMetadatas?: Map<Target, ValidationMetadata[]> };
  const target = [...(storage.validationMetadatas?.keys() ?? [])].find((candidate) => candidate.name === name);
  return target ? getMetadataStorage().getTargetValidationMetadatas(target, '', true, false) : [];
}

/** Writes one class-validator rule into the JSON Schema of its property (or of each item, for `each` rules). */
function applyRule(property: Json, rule: ValidationMetadata): void {
  const target = rule.each && property['type'] === 'array' ? ((property['items'] as Json | undefined) ?? (property['items'] = {})) : property;
  const [first, second] = (rule.constraints ?? []) as unknown[];
  switch (rule.name) {
    case 'isUuid':
      target['format'] = 'uuid';
      break;
    case 'isEmail':
      target['format'] = 'email';
      break;
    case 'isIso8601':
      // Instants are RFC 3339 date-times (the validation also takes other ISO 8601 forms; the document asks for this one).
      target['format'] = 'date-time';
      break;
    case 'isUrl': {
      target['format'] = 'uri';
      // The schemes validation allows (`require_protocol` with `protocols`), as a pattern.
      const options = first as { protocols?: string[]; require_protocol?: boolean } | undefined;
      if (options?.require_protocol && options.protocols?.length) target['pattern'] = `^(${options.protocols.join('|')})://`;
      break;
    }
    case 'isLength':
      if (typeof first === 'number') target['minLength'] = first;
      if (typeof second === 'number') target['maxLength'] = second;
      break;
    case 'minLength':
      if (typeof first === 'number') target['minLength'] = first;
      break;
    case 'maxLength':
      if (typeof first === 'number') target['maxLength'] = first;
      break;
    case 'isNotEmpty':
      if (target['type'] === 'string') target['minLength'] ??= 1;
      break;
    case 'min':
      if (typeof first === 'number') target['minimum'] = first;
      break;
    case 'max':
      if (typeof first === 'number') target['maximum'] = first;
      break;
    case 'isInt':
      target['type'] = 'integer';
      break;
    case 'arrayMinSize':
      if (typeof first === 'number') target['minItems'] = first;
      break;
    case 'arrayMaxSize':
      if (typeof first === 'number') target['maxItems'] = first;
      break;
    case 'arrayUnique':
      target['uniqueItems'] = true;
      break;
    case 'isIn':
      if (Array.isArray(first) && !target['enum'] && !target['$ref']) target['enum'] = first;
      break;
    case 'matches':
      // JSON Schema patterns take no flags: a case-insensitive pattern is described in words only.
      if (first instanceof RegExp && !first.flags.replace(/[gu]/g, '')) target['pattern'] = first.source;
      break;
    default:
      break;
  }
}

/** The JSON type a class-validator rule implies (TypeScript reflects `string | null` as Object). */
const TYPE_OF_RULE: Record<string, string> = {
  isString: 'string',
  isUuid: 'string',
  isEmail: 'string',
  isUrl: 'string',
  isIso8601: 'string',
  isDateString: 'string',
  matches: 'string',
  isLength: 'string',
  minLength: 'string',
  maxLength: 'string',
  isBoolean: 'boolean',
  isInt: 'integer',
  isNumber: 'number',
  isArray: 'array',
};

function applyValidationRules(name: string, schema: Json): void {
  const properties = schema['properties'] as Record<string, Json> | undefined;
  if (!properties) return;
  const rules = classRules(name);
  for (const [propertyName, property] of Object.entries(properties)) {
    if (property['$ref'] || property['allOf']) continue;
    const own = rules.filter((rule) => rule.propertyName === propertyName);
    const typed = own.find((rule) => !rule.each && rule.name && TYPE_OF_RULE[rule.name]);
    if (typed?.name && (property['type'] === 'object' || property['type'] === undefined)) property['type'] = TYPE_OF_RULE[typed.name];
    for (const rule of own) if (rule.type === 'customValidation' && rule.name) applyRule(property, rule);
    // @IsOptional lets null through as well as a missing property (a PATCH clears the field with it).
    if (own.some((rule) => rule.name === 'isOptional') && typeof property['type'] === 'string') {
      property['type'] = [property['type'], 'null'];
      if (Array.isArray(property['enum'])) property['enum'] = [...(property['enum'] as unknown[]), null];
    }
  }
}

/**
 * Declares problem statuses a route gives beyond those its kind implies (a 409 on a state change, a
 * 422): each becomes a problem response referring to the shared schema.
 */
export const ApiProblem = (...statuses: [number, ...number[]]): MethodDecorator & ClassDecorator => ApiExtension(PROBLEMS_EXTENSION, statuses);

/** The public document: the services' documents merged, with the API's own description and servers. */
export function mergeOpenApiDocuments(parts: readonly Json[], publicUrl: string): Json {
  const paths: Json = {};
  const schemas: Json = {};
  const tags = new Map<string, Json>();
  for (const part of parts) {
    Object.assign(paths, (part['paths'] as Json | undefined) ?? {});
    const components = (part['components'] as Json | undefined) ?? {};
    for (const [name, schema] of Object.entries((components['schemas'] as Json | undefined) ?? {})) schemas[name] ??= schema;
    for (const tag of (part['tags'] as Json[] | undefined) ?? []) tags.set(String(tag['name']), tag);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Assay API',
      version: '1',
      description:
        'Supplier assurance against the UK Software Security Code of Practice. Errors are RFC 9457 problem+json (the Problem schema); lists use cursor pagination; POSTs accept Idempotency-Key.',
    },
    servers: [{ url: publicUrl }],
    tags: [...tags.values()].sort((a, b) => String(a['name']).localeCompare(String(b['name']))),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: { ...Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))), Problem: PROBLEM_SCHEMA },
      responses: problemResponsesOf(paths),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

/** Where Nest records a handler's parameter decorators (`@Query()`, `@Body()`…): `ROUTE_ARGS_METADATA` of @nestjs/common. */
const ROUTE_ARGUMENTS = '__routeArguments__';
/** `RouteParamtypes.QUERY` and `RouteParamtypes.PARAM` of @nestjs/common. */
const QUERY_PARAMETER = 4;
const PATH_PARAMETER = 5;

const isUuidPipe = (pipe: unknown): boolean =>
  (typeof pipe === 'function' ? pipe.name : (pipe as { constructor?: { name?: string } } | null)?.constructor?.name) === 'ParseUUIDPipe';

/**
 * Parameters as strict as their validation: each `@Query() dto` of a controller method lends its
 * class-validator rules (formats, lengths, patterns, enums, bounds) to the parameters the document
 * lists for its properties, and a path parameter read through `ParseUUIDPipe` is a UUID.
 */
export function applyQueryValidationRules(document: Json, controllers: readonly (abstract new (...args: never[]) => unknown)[]): Json {
  const byId = new Map<string, Json>();
  for (const item of Object.values((document['paths'] as Record<string, Json> | undefined) ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (operation) byId.set(String(operation['operationId']), operation);
    }
  }
  for (const controller of controllers) {
    for (const methodName of Object.getOwnPropertyNames(controller.prototype)) {
      const operation = byId.get(`${controller.name}_${methodName}`);
      if (!operation) continue;
      const argumentsOf = (Reflect.getMetadata(ROUTE_ARGUMENTS, controller, methodName) ?? {}) as Record<
        string,
        { index: number; data?: unknown; pipes?: unknown[] }
      >;
      const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, methodName) ?? []) as { name?: string }[];
      for (const [key, argument] of Object.entries(argumentsOf)) {
        // A path parameter read through ParseUUIDPipe is a UUID.
        if (Number(key.split(':')[0]) === PATH_PARAMETER && (argument.pipes ?? []).some(isUuidPipe)) {
          const parameter = ((operation['parameters'] as Json[] | undefined) ?? []).find(
            (candidate) => candidate['in'] === 'path' && candidate['name'] === argument.data,
          );
          if (parameter) parameter['schema'] = { ...((parameter['schema'] as Json | undefined) ?? {}), type: 'string', format: 'uuid' };
          continue;
        }
        if (Number(key.split(':')[0]) !== QUERY_PARAMETER || argument.data !== undefined) continue;
        const dto = types[argument.index];
        if (!dto?.name) continue;
        const rules = classRules(dto.name);
        for (const parameter of (operation['parameters'] as Json[] | undefined) ?? []) {
          if (parameter['in'] !== 'query') continue;
          const schema = ((parameter['schema'] as Json | undefined) ??= {});
          const own = rules.filter((rule) => rule.propertyName === parameter['name']);
          const typed = own.find((rule) => !rule.each && rule.name && TYPE_OF_RULE[rule.name]);
          if (typed?.name && schema['type'] === undefined) schema['type'] = TYPE_OF_RULE[typed.name];
          for (const rule of own) if (rule.type === 'customValidation' && rule.name) applyRule(schema, rule);
        }
      }
    }
  }
  return document;
}
