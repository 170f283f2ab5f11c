import { AppConfig, ConfigModule } from '@assay/shared/config';
import { ProblemDetailsFilter, createLoggingModule, processClockModule } from '@assay/shared/http';
import { OperationsModule, READINESS_CHECKS, ReadinessCheck, createMetricsRegistry } from '@assay/shared/http/app';
import { RedisClient, createRedisConnection } from '@assay/shared/redis';
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';

export const GATEWAY_REDIS = Symbol('GATEWAY_REDIS');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(GATEWAY_REDIS) private readonly redis: RedisClient) {}
  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

/** One Redis connection (a server or a cluster) for the edge: idempotency keys, rate limits, revocations. */
@Global()
@Module({})
class GatewayRedisModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: GatewayRedisModule,
      providers: [{ provide: GATEWAY_REDIS, useFactory: () => createRedisConnection(config.redis, 'client', 'gateway') }, RedisCloser],
      exports: [GATEWAY_REDIS],
    };
  }
}

/** The edge: health, metrics and logging in Nest; the proxy, GraphQL and docs are Fastify plugins. */
@Module({})
export class GatewayModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forProcess('gateway', config),
        createLoggingModule(config),
        processClockModule(config),
        GatewayRedisModule.register(config),
        OperationsModule.register({
          registry: createMetricsRegistry('gateway'),
          checks: {
            provide: READINESS_CHECKS,
            inject: [GATEWAY_REDIS],
            useFactory: (redis: RedisClient): ReadinessCheck[] => [{ name: 'redis', check: async () => void (await redis.ping()) }],
          },
        }),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
