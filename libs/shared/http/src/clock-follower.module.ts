import type { AppConfig } from '@assay/shared/config';
import { ClockControlModule, ClockModule } from '@assay/shared/clock';
import type { DynamicModule, Type } from '@nestjs/common';

/**
 * The process's clock: always the machine's time in production; with `CLOCK_CONTROL=true` (tests and
 * demos, refused in production by the configuration) it follows the moves a `ClockMover` makes on the
 * stack's Redis before the process serves or schedules anything.
 */
export function processClockModule(config: AppConfig): Type<unknown> | DynamicModule {
  if (!config.clockControl) return ClockModule;
  return ClockControlModule.follow({ redisUrl: config.redisUrl, processId: `${config.processName}-${process.pid}` });
}
