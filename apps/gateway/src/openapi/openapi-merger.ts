import type { AppConfig } from '@assay/shared/config';
import { SERVICE_NAMES, ServiceName } from '@assay/shared/contracts';
import { mergeOpenApiDocuments } from '@assay/shared/http';

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
    return mergeOpenApiDocuments(
      parts.map(([, part]) => part),
      this.config.publicUrl,
    );
  }
}
