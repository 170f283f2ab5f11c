import { Global, Module } from '@nestjs/common';
import { Clock, clock } from './clock';

/** Provides the process's `Clock` to every module. */
@Global()
@Module({ providers: [{ provide: Clock, useValue: clock }], exports: [Clock] })
export class ClockModule {}
