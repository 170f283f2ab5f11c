import type { AppConfig } from '@assay/shared/config';
import { SERVICE_NAMES, ServiceName } from '@assay/shared/contracts';
import { mergeOpenApiDocuments } from '@assay/shared/http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = Record<string, unknown>;

const CACHE_MS = 30_000;

/**
 * The public OpenAPI 3.1 document: the one `npm run build` writes (dist/openapi.json: every service's
 * operations with their response schemas, the document the typed client is generated from), served
 * with this gateway's public URL. Without a build (a service run from elsewhere) it merges the
 * services' own documents.
 */
export class OpenApiMerger {
  private cached: { at: number; document: Json } | undefined;
  private built: Json | null | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly builtPath = process.env['OPENAPI_PATH'] ?? join(__dirname, '../../../../openapi.json'),
  ) {}

  async document(): Promise<Json> {
    const built = this.builtDocument();
    if (built) return built;
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.document;
    const parts = await Promise.all(SERVICE_NAMES.map(async (service) => [service, await this.fetchPart(service)] as const));
    const document = this.merge(parts.filter((part): part is readonly [ServiceName, Json] => part[1] !== null));
    // Only cache a complete document, so a service that was restarting shows up on the next call.
    if (parts.every(([, part]) => part !== null)) this.cached = { at: Date.now(), document };
    return document;
  }

  private builtDocument(): Json | null {
    if (this.built === undefined) {
      this.built = existsSync(this.builtPath)
        ? { ...(JSON.parse(readFileSync(this.builtPath, 'utf8')) as Json), servers: [{ url: this.config.publicUrl }] }
        : null;
    }
    return this.built;
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
