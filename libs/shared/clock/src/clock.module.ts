import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Clock, clock } from './clock';
import { ClockFollower } from './clock-control';

/** Provides the process's `Clock` to every module. */
@Global()
@Module({ providers: [{ provide: Clock, useValue: clock }], exports: [Clock] })
export class ClockModule {}

const CLOCK_FOLLOWER = Symbol('CLOCK_FOLLOWER');

/** Starts following the stack's clock moves before the process serves anything, and stops on shutdown. */
@Injectable()
class ClockFollowerLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(CLOCK_FOLLOWER) private readonly follower: ClockFollower) {}

  async onModuleInit(): Promise<void> {
    await this.follower.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.follower.stop();
  }
}

/** A process whose business time a test may move (see `ClockMover`); only where the configuration allows it. */
@Module({})
export class ClockControlModule {
  static follow(options: { redisUrl: string; processId: string }): DynamicModule {
    return {
      module: ClockControlModule,
      imports: [ClockModule],
      providers: [{ provide: CLOCK_FOLLOWER, useFactory: () => new ClockFollower(clock, options.redisUrl, options.processId) }, ClockFollowerLifecycle],
    };
  }
}
