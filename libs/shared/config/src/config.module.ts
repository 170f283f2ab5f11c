import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig, ProcessName } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forProcess(processName: ProcessName, config: AppConfig = loadConfig(processName)): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
