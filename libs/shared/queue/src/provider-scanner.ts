import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

export interface DiscoveredMethod<TMeta> {
  meta: TMeta;
  owner: string;
  call: (...args: unknown[]) => Promise<unknown>;
}

/** Finds provider methods carrying a metadata key (job handlers, event listeners). */
@Injectable()
export class ProviderScanner {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  methodsWith<TMeta>(metadataKey: string): DiscoveredMethod<TMeta>[] {
    const found: DiscoveredMethod<TMeta>[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[methodName];
        if (typeof method !== 'function') continue;
        const meta = this.reflector.get<TMeta | undefined>(metadataKey, method as () => unknown);
        if (meta === undefined) continue;
        found.push({
          meta,
          owner: `${instance.constructor.name}.${methodName}`,
          call: async (...args: unknown[]) => (method as (...a: unknown[]) => unknown).apply(instance, args),
        });
      }
    }
    return found;
  }
}
