/**
 * Success examples for the OpenAPI document, taken from what the API really answered: after a test
 * run (`npm test`, which records every response it sees through the gateway), `npm run
 * openapi:examples` picks one conforming success body per operation, removes what is secret (tokens,
 * keys, signed links), keeps at most two items of each list, and writes tools/openapi-examples.json.
 * The build puts each example beside its response schema; a spec checks every example still conforms,
 * so an example can never drift from the schema it illustrates.
 */
import { ResponseConformance, readRecordedResponses } from '@assay/shared/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES_FILE, ResponseExample, exampleKey, readExamples } from './openapi-document';

type Json = Record<string, any>;

const SECRET_KEY = /(token|secret|password|privateKey|recoveryCodes|otpauth)$/i;
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/;
/** API keys (`assay_…`) and the token kinds with a name (`assay_portal_…`): the kind is kept, the rest is not. */
const CREDENTIAL = /\bassay_(?:([a-z]+)_)?[A-Za-z0-9_-]{16,}/g;
const placeholder = (kind?: string) => `assay_${kind ? `${kind}_` : ''}example`;

/** A copy fit to publish: credentials replaced by placeholders, lists cut to two items. */
export function publishable(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.slice(0, 2).map((item) => publishable(item));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, publishable(item, name)]));
  if (typeof value !== 'string') return value;
  if (JWT.test(value)) return 'eyJhbGciOiJFZERTQSJ9.eyJleGFtcGxlIjp0cnVlfQ.c2lnbmF0dXJl';
  const published = value.replace(CREDENTIAL, (_match, kind?: string) => placeholder(kind));
  return SECRET_KEY.test(key) && published === value ? 'redacted' : published;
}

/** One conforming success example per operation, from the responses a test run recorded. */
export function examplesFrom(document: Json): Record<string, ResponseExample> {
  const conformance = new ResponseConformance(document);
  const found: Record<string, ResponseExample> = {};
  for (const response of readRecordedResponses()) {
    if (response.status < 200 || response.status >= 300 || response.body === undefined) continue;
    if (!/json/.test(response.contentType ?? '') || conformance.check(response)) continue;
    const match = conformance.operationOf(response.method, response.path);
    if (!match) continue;
    const key = exampleKey(match.method, match.template);
    const schema = match.operation['responses']?.[String(response.status)]?.['content']?.['application/json']?.['schema'];
    const body = publishable(response.body);
    // The first conforming one of the run wins; prefer a list with items to an empty one.
    const richer = (candidate: unknown) => JSON.stringify(candidate).length > JSON.stringify(found[key]?.body ?? null).length;
    if (
      schema &&
      conformance.conforms(schema, body) &&
      (!found[key] || (found[key]!.status === response.status && richer(body) && JSON.stringify(found[key]!.body).length < 200))
    )
      found[key] = { status: response.status, body };
  }
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => a.localeCompare(b)));
}

if (require.main === module) {
  const document = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8')) as Json;
  const examples = { ...readExamples(), ...examplesFrom(document) };
  writeFileSync(EXAMPLES_FILE, `${JSON.stringify(Object.fromEntries(Object.entries(examples).sort(([a], [b]) => a.localeCompare(b))), null, 2)}\n`);
  process.stdout.write(`openapi examples: ${Object.keys(examples).length} operations written to tools/openapi-examples.json\n`);
}
