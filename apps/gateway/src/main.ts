import 'reflect-metadata';
import { ConfigError, loadConfig } from '@assay/shared/config';
import { exitWithParent } from '@assay/shared/http';
import { startGateway } from './gateway-app';

async function main(): Promise<void> {
  try {
    const config = loadConfig('gateway');
    exitWithParent();
    await startGateway(config);
  } catch (error) {
    process.stderr.write(`assay-gateway failed to start: ${error instanceof ConfigError ? error.message : ((error as Error).stack ?? error)}\n`);
    process.exit(1);
  }
}

void main();
