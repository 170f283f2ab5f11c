/**
 * Federation overhead: a query spanning two subgraphs through the gateway — a page of suppliers from
 * the assessments subgraph with each supplier's evidence from the evidence subgraph (query planning,
 * an entity fetch, merging) — against the query's assessments part sent to that subgraph alone with
 * the identity token the gateway would mint. Same stack, same run.
 *
 *   npm run bench:graphql            # BENCH_SECONDS, BENCH_CONNECTIONS to change
 */
import 'reflect-metadata';
import { runBenchmark } from './bench-runner';
import { startBenchStack } from './bench-stack';
import { loadHttp, report } from './load';

const SUPPLIERS = 10;
const FEDERATED = `{ suppliers(first: ${SUPPLIERS}) { edges { node { id name tier evidence { id status kind } } } } }`;
const SUBGRAPH_PART = `{ suppliers(first: ${SUPPLIERS}) { edges { node { id name tier } } } }`;

async function main(): Promise<void> {
  const bench = await startBenchStack();
  try {
    const tenant = await bench.signup();
    for (let index = 0; index < SUPPLIERS; index++) {
      await bench.gatewayJson('/api/v1/suppliers', {
        token: tenant.accessToken,
        json: { name: `Bench Supplier ${index}`, tier: 'high', role: 'developer_distributor' },
      });
    }
    const page = (body: any) => !body?.errors && body?.data?.suppliers?.edges?.length === SUPPLIERS;
    const json = { 'content-type': 'application/json' };
    const subgraph = await loadHttp(
      'assessments subgraph alone (its part)',
      {
        url: `${bench.stack.serviceUrls['assessments']}/graphql`,
        method: 'POST',
        headers: { ...json, ...(await bench.serviceHeaders(tenant.identity, 'assessments')) },
        body: JSON.stringify({ query: SUBGRAPH_PART }),
      },
      page,
    );
    const federated = await loadHttp(
      'gateway, assessments + evidence subgraphs',
      {
        url: `${bench.stack.gatewayUrl}/graphql`,
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${tenant.accessToken}` },
        body: JSON.stringify({ query: FEDERATED }),
      },
      (body: any) => page(body) && Array.isArray(body.data.suppliers.edges[0].node.evidence),
    );
    report(`GraphQL: ${SUPPLIERS} suppliers with their evidence`, subgraph, federated);
  } finally {
    await bench.stop();
  }
}

runBenchmark(main);
