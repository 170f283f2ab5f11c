import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const TEST_STACK_FILE = resolve(join('test-results', 'stack.json'));

export interface TestStackInfo {
  env: Record<string, string>;
  gatewayUrl: string;
  serviceUrls: Record<string, string>;
  dataDir: string;
}

let cached: TestStackInfo | undefined;

/** The stack booted by the global setup (URLs, env), for integration and end-to-end tests. */
export function testStack(): TestStackInfo {
  cached ??= JSON.parse(readFileSync(process.env['ASSAY_TEST_STACK'] ?? TEST_STACK_FILE, 'utf8')) as TestStackInfo;
  return cached;
}
