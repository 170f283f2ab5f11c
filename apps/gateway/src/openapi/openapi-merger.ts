import type { AppConfig } from '@assay/shared/config';
import { SERVICE_NAMES, ServiceName } from '@assay/shared/contracts';

type Json = Record<string, unknown>;

const CACHE_MS = 30_000;

/** Merges the services' OpenAPI documents into the one public OpenAPI 3.1 document. */
export class OpenApiMerger {
  private cached: { at: number; document: Json } | undefined;

  constructor(private readonly config: AppConfig) {}

  async document(): Promise<Json> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.document;
    const parts = await Promise.all(SERVICE_NAMES.map(async (service) => [service, await this.fetchPart(service)] as const));
    const document = this.merge(parts.filter((part): part is readonly [ServiceName, Json] => part[1] !== null));
    // Only cache a complete document, so a service that was restarting shows up on the next call.
    if (parts.every(([, part]) => part !== null)) this.cached = { at: Date.now(), document };
    return document;
  }

  private async fetchPart(service: ServiceName): Promise<Json | null> {
    try {
      const response = await fetch(`${this.config.serviceUrls[service]}/openapi.json`, { signal: AbortSignal.timeout(3_000) });
      return response.ok ? ((await response.json()) as Json) : null;
    } catch {
      return null;
    }
  }

  merge(parts: readonly (readonly [ServiceName, Json])[]): Json {
    const paths: Json = {};
    const schemas: Json = {};
    const tags = new Map<string, Json>();
    for (const [, part] of parts) {
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
          'Supplier assurance against the UK Software Security Code of Practice. Errors are RFC 9457 problem+json; lists use cursor pagination; POSTs accept Idempotency-Key.',
      },
      servers: [{ url: this.config.publicUrl }],
      tags: [...tags.values()],
      paths,
      components: {
        schemas,
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'User access JWT, API key (assay_…) or supplier portal token' } },
      },
      security: [{ bearer: [] }, {}],
    };
  }
}
