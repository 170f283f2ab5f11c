import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Response conformance: every response the end-to-end tests get through the test kit's `gateway()`
 * helper is recorded (one JSON line each, one file per Jest worker) and, when the run ends, checked
 * against the public OpenAPI document: the status must be one the operation documents, the content
 * type one the status documents, the body valid against its schema.
 */
export const RESPONSES_DIR = resolve(join('test-results', 'responses'));

/** Bodies larger than this are recorded without the body (their status and content type are still checked). */
const MAX_RECORDED_BODY = 512 * 1024;

export interface RecordedResponse {
  method: string;
  /** The path as requested, without the query string. */
  path: string;
  status: number;
  contentType: string | null;
  /** The parsed JSON body, or undefined when the body was not JSON, empty or too large. */
  body?: unknown;
  /** Where the response was seen (the test file), to name it in a failure. */
  test?: string;
}

/** Whether a request path is one the public document describes (the REST API, not its own document). */
const describedPath = (path: string): boolean => path.startsWith('/api/v1/') && path !== '/api/v1/openapi.json';

function currentTestPath(): string | undefined {
  const jestExpect = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect;
  const path = jestExpect?.getState().testPath;
  return path ? path.replace(`${process.cwd()}/`, '') : undefined;
}

/** Records one response seen through the gateway (a no-op outside a Jest run or for paths the document does not cover). */
export function recordResponse(method: string, url: string, status: number, contentType: string | null, text: string, body: unknown): void {
  const path = url.split('?')[0] as string;
  // Only in a Jest run (a benchmark using the kit records nothing).
  if (!describedPath(path) || process.env['JEST_WORKER_ID'] === undefined) return;
  const record: RecordedResponse = { method: method.toUpperCase(), path, status, contentType, test: currentTestPath() };
  if (text.length <= MAX_RECORDED_BODY && typeof body === 'object' && body !== null) record.body = body;
  mkdirSync(RESPONSES_DIR, { recursive: true });
  appendFileSync(join(RESPONSES_DIR, `responses-${process.pid}.jsonl`), `${JSON.stringify(record)}\n`);
}

/** Forgets the responses of an earlier run (the global set-up calls it). */
export function clearRecordedResponses(): void {
  rmSync(RESPONSES_DIR, { recursive: true, force: true });
}

export function readRecordedResponses(): RecordedResponse[] {
  if (!existsSync(RESPONSES_DIR)) return [];
  return readdirSync(RESPONSES_DIR)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .flatMap((name) =>
      readFileSync(join(RESPONSES_DIR, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RecordedResponse),
    );
}

type Json = Record<string, any>;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  operation: Json;
}

const DOCUMENT_ID = 'assay-openapi';

/** Checks recorded responses against an OpenAPI document. */
export class ResponseConformance {
  private readonly operations: Operation[] = [];
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false, formats: { binary: true } });
  private readonly validators = new Map<string, ValidateFunction>();
  /** Shared responses operations refer to (`#/components/responses/…`). */
  private readonly sharedResponses: Record<string, Json>;

  constructor(document: Json) {
    this.sharedResponses = (document['components']?.['responses'] ?? {}) as Record<string, Json>;
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document['components'] ?? {} });
    for (const [template, item] of Object.entries((document['paths'] ?? {}) as Record<string, Json>)) {
      const params = (template.match(/\{[^}]+\}/g) ?? []).length;
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`);
      for (const [method, operation] of Object.entries(item)) {
        if (typeof operation === 'object' && operation !== null) this.operations.push({ method: method.toUpperCase(), template, pattern, params, operation });
      }
    }
    // A static segment wins over a parameter (/findings/summary before /findings/{id}).
    this.operations.sort((a, b) => a.params - b.params);
  }

  /** The operation of the document a request reaches (its method and path template), if any. */
  operationOf(method: string, path: string): { method: string; template: string; operation: Json } | undefined {
    const found = this.operations.find((candidate) => candidate.method === method.toUpperCase() && candidate.pattern.test(path));
    return found ? { method: found.method, template: found.template, operation: found.operation } : undefined;
  }

  /** What is wrong with one response, or undefined when it conforms. */
  check(response: RecordedResponse): string | undefined {
    const where = `${response.method} ${response.path} → ${response.status}`;
    if (response.status >= 500) return `${where}: a server error`;
    const onPath = this.operations.filter((candidate) => candidate.pattern.test(response.path));
    const match = onPath.find((candidate) => candidate.method === response.method);
    if (!match) {
      // Not an operation of the document: a path nobody serves (404) or a method the path does not support (405).
      if (response.status < 400) return `${where}: ${onPath.length ? 'an undocumented method' : 'an undocumented path'} answered with success`;
      return this.checkBody(where, { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }, response);
    }
    const documented = (match.operation['responses'] ?? {}) as Record<string, Json>;
    const found = documented[String(response.status)] ?? documented[`${String(response.status)[0]}XX`] ?? documented['default'];
    const ref = typeof found?.['$ref'] === 'string' ? (found['$ref'] as string) : undefined;
    const described = ref ? this.sharedResponses[ref.replace('#/components/responses/', '')] : found;
    if (ref && !described) return `${where}: the document refers to ${ref}, which it does not define`;
    if (!described) return `${where}: status not documented for ${match.method} ${match.template} (documented: ${Object.keys(documented).join(', ')})`;
    return this.checkBody(`${where} (${match.method} ${match.template})`, described, response);
  }

  private checkBody(where: string, described: Json, response: RecordedResponse): string | undefined {
    const content = described['content'] as Record<string, Json> | undefined;
    if (!content) return undefined;
    const mediaType = (response.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const media = content[mediaType];
    // A download of any type (evidence content): the type is the file's, the bytes are not checked.
    if (!media && (content[`${mediaType.split('/')[0]}/*`] || content['*/*'])) return undefined;
    if (!media) return `${where}: content type ${mediaType || '(none)'} not documented (documented: ${Object.keys(content).join(', ')})`;
    if (!media['schema'] || response.body === undefined || !/json/.test(mediaType)) return undefined;
    const validate = this.validatorFor(media['schema'] as Json);
    if (validate(response.body)) return undefined;
    return `${where}: body does not conform: ${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}`;
  }

  /** Whether a value is valid against a schema of the document (its `#/components/…` references resolved). */
  conforms(schema: Json, value: unknown): boolean {
    return this.validatorFor(schema)(value);
  }

  private validatorFor(schema: Json): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(JSON.parse(key.replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`)) as Json);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
