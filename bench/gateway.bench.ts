/**
 * Gateway overhead on an authenticated REST read: GET /api/v1/suppliers/:id through the gateway with
 * a user's bearer token (verification, revocation check in Redis, rate-limit counting in Redis,
 * identity token minted per request, proxy) against the same read sent straight to the assessments
 * service with the identity token the gateway would mint. Same stack, same run.
 *
 *   npm run bench:gateway            # BENCH_SECONDS, BENCH_CONNECTIONS to change
 */
import 'reflect-metadata';
import { runBenchmark } from './bench-runner';
import { startBenchStack } from './bench-stack';
import { loadHttp, report } from './load';

async function main(): Promise<void> {
  const bench = await startBenchStack();
  try {
    const tenant = await bench.signup();
    const supplier = await bench.gatewayJson('/api/v1/suppliers', {
      token: tenant.accessToken,
      json: { name: 'Bench Supplier Ltd', tier: 'critical', role: 'developer_distributor' },
    });
    const path = `/api/v1/suppliers/${supplier.id}`;
    const isSupplier = (body: any) => body?.id === supplier.id;
    const direct = await loadHttp(
      'assessments service directly (identity token)',
      { url: `${bench.stack.serviceUrls['assessments']}${path}`, headers: await bench.serviceHeaders(tenant.identity, 'assessments') },
      isSupplier,
    );
    const viaGateway = await loadHttp(
      'through the gateway (user bearer token)',
      { url: `${bench.stack.gatewayUrl}${path}`, headers: { authorization: `Bearer ${tenant.accessToken}` } },
      isSupplier,
    );
    report(`GET ${'/api/v1/suppliers/:id'}`, direct, viaGateway);
  } finally {
    await bench.stop();
  }
}

runBenchmark(main);
