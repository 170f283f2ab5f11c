/**
 * Builds the public OpenAPI document from the services' controllers and DTOs (no database or network
 * needed: the controllers are built with stand-ins for their dependencies, which are never called) and writes it to dist/openapi.json, the
 * document the typed client (libs/shared/api-client) is generated from.
 */
import 'reflect-metadata';
import { AssessmentsModule } from '@assay/assessments';
import { EvidenceModule } from '@assay/evidence';
import { NotificationsModule } from '@assay/notifications';
import { TenancyModule } from '@assay/tenancy';
import type { ServiceName } from '@assay/shared/contracts';
import { applyQueryValidationRules, mergeOpenApiDocuments } from '@assay/shared/http';
import { serviceOpenApiDocument } from '@assay/shared/http/app';
import { DynamicModule, Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseSchemas, projectRoot, responseSchemas } from './openapi-responses';

export const OPENAPI_FILE = 'openapi.json';
/** Success examples taken from real responses (`npm run openapi:examples`, see tools/openapi-examples.ts). */
export const EXAMPLES_FILE = join(projectRoot(), 'tools', 'openapi-examples.json');

/** Operation key in the examples file: `GET /api/v1/suppliers/{id}`. */
export const exampleKey = (method: string, template: string): string => `${method.toUpperCase()} ${template}`;

export interface ResponseExample {
  status: number;
  body: unknown;
}

const SERVICES: Record<ServiceName, { title: string; module: Type<unknown> | DynamicModule }> = {
  tenancy: { title: 'Assay tenancy', module: TenancyModule },
  assessments: { title: 'Assay assessments', module: AssessmentsModule },
  evidence: { title: 'Assay evidence', module: EvidenceModule },
  notifications: { title: 'Assay notifications', module: NotificationsModule },
};

/** Every controller a module declares, its own and those of the modules it imports. */
function controllersOf(root: Type<unknown> | DynamicModule): Type<unknown>[] {
  const found = new Set<Type<unknown>>();
  const seen = new Set<unknown>();
  const pending: unknown[] = [root];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (!next || seen.has(next)) continue;
    seen.add(next);
    const dynamic = typeof next === 'object' && 'module' in next ? (next as DynamicModule) : undefined;
    const moduleClass = dynamic ? dynamic.module : (next as Type<unknown>);
    const controllers = [...((Reflect.getMetadata('controllers', moduleClass) as Type<unknown>[] | undefined) ?? []), ...(dynamic?.controllers ?? [])];
    for (const controller of controllers) found.add(controller);
    pending.push(...((Reflect.getMetadata('imports', moduleClass) as unknown[] | undefined) ?? []), ...(dynamic?.imports ?? []));
  }
  return [...found];
}

async function serviceDocument(title: string, domain: Type<unknown> | DynamicModule): Promise<Record<string, unknown>> {
  const controllers = controllersOf(domain);
  const moduleRef = await Test.createTestingModule({ controllers })
    // Controllers' own dependencies are never called while the document is built.
    .useMocker(() => ({}))
    .compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  await app.init();
  try {
    return applyQueryValidationRules(serviceOpenApiDocument(app, title), controllers);
  } finally {
    await app.close();
  }
}

/** The merged public document, as the gateway serves it at /api/v1/openapi.json. */
export async function buildOpenApiDocument(publicUrl = 'http://localhost:3000'): Promise<Record<string, unknown>> {
  const parts: Record<string, unknown>[] = [];
  for (const { title, module } of Object.values(SERVICES)) parts.push(await serviceDocument(title, module));
  return withExamples(withResponseSchemas(mergeOpenApiDocuments(parts, publicUrl), responseSchemas(projectRoot())), readExamples());
}

type Json = Record<string, any>;

/** Each operation's success response with the schema of what its controller method returns. */
export function withResponseSchemas(document: Json, responses: ResponseSchemas): Json {
  const schemas = document['components']['schemas'] as Json;
  for (const item of Object.values(document['paths'] as Record<string, Json>)) {
    for (const operation of Object.values(item) as Json[]) {
      const response = responses.operations[String(operation['operationId'])];
      if (!response) continue;
      for (const [status, described] of Object.entries(operation['responses'] as Record<string, Json>)) {
        if (!/^2\d\d$/.test(status) || status === '204') continue;
        // Media types a route declares itself (`@ApiOkResponse({ content })`: a CSV or signed rendering) are kept.
        const content = (described['content'] ?? {}) as Json;
        if (response.schema && !content['application/json']) content['application/json'] = { schema: response.schema };
        if (response.text && Object.keys(content).every((type) => type === 'application/json')) content['text/plain'] = { schema: { type: 'string' } };
        if (Object.keys(content).length) described['content'] = content;
      }
    }
  }
  // Only the views an operation answers with (not those of routes the document leaves out).
  const pending = [JSON.stringify(document['paths'])];
  for (let text = pending.pop(); text !== undefined; text = pending.pop()) {
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (!name || schemas[name] || !responses.schemas[name]) continue;
      schemas[name] = responses.schemas[name];
      pending.push(JSON.stringify(schemas[name]));
    }
  }
  document['components']['schemas'] = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  return document;
}

/** The examples in the file (empty when there is none yet). */
export function readExamples(file = EXAMPLES_FILE): Record<string, ResponseExample> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, ResponseExample>) : {};
}

/** Puts each example beside the JSON schema of its operation's status. */
export function withExamples(document: Json, examples: Record<string, ResponseExample>): Json {
  for (const [template, item] of Object.entries(document['paths'] as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item) as [string, Json][]) {
      const example = examples[exampleKey(method, template)];
      const media = example ? operation['responses']?.[String(example.status)]?.['content']?.['application/json'] : undefined;
      if (media?.['schema']) media['examples'] = { recorded: { summary: 'A response the API gave in its end-to-end tests', value: example!.body } };
    }
  }
  return document;
}

if (require.main === module) {
  void buildOpenApiDocument().then(
    (document) => {
      writeFileSync(join(__dirname, '..', OPENAPI_FILE), `${JSON.stringify(document, null, 2)}\n`);
      const operations = Object.values(document['paths'] as Record<string, object>).reduce((sum, item) => sum + Object.keys(item).length, 0);
      console.log(`openapi: ${operations} operations written to dist/${OPENAPI_FILE}`);
    },
    (error: unknown) => {
      process.stderr.write(`openapi: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
