/**
 * Builds each subgraph's SDL from its resolvers (no database or network needed), composes the
 * Federation 2 supergraph and writes it to dist/supergraph.graphql. Exits non-zero on any
 * composition error, so a broken graph never ships.
 */
import 'reflect-metadata';
import { ASSESSMENTS_RESOLVERS } from '@assay/assessments';
import { EVIDENCE_RESOLVERS } from '@assay/evidence';
import { NOTIFICATIONS_RESOLVERS } from '@assay/notifications';
import type { ServiceName } from '@assay/shared/contracts';
import { subgraphOptions } from '@assay/shared/graphql';
import { TENANCY_RESOLVERS } from '@assay/tenancy';
import { printSubgraphSchema } from '@apollo/subgraph';
import { Provider } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SUBGRAPHS: Record<ServiceName, Provider[]> = {
  tenancy: TENANCY_RESOLVERS,
  assessments: ASSESSMENTS_RESOLVERS,
  evidence: EVIDENCE_RESOLVERS,
  notifications: NOTIFICATIONS_RESOLVERS,
};

export async function subgraphSdl(resolvers: Provider[]): Promise<string> {
  const moduleRef = await Test.createTestingModule({
    imports: [GraphQLModule.forRoot(subgraphOptions({ introspection: false }))],
    providers: resolvers,
  })
    // Resolvers' own dependencies are never called while the schema is built.
    .useMocker(() => ({}))
    .compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  await app.init();
  try {
    return printSubgraphSchema(app.get(GraphQLSchemaHost).schema);
  } finally {
    await app.close();
  }
}

export async function composeSupergraph(): Promise<{ supergraph: string; subgraphs: Record<string, string> }> {
  const subgraphs: Record<string, string> = {};
  for (const [name, resolvers] of Object.entries(SUBGRAPHS)) {
    if (resolvers.length > 0) subgraphs[name] = await subgraphSdl(resolvers);
  }
  const result = composeServices(
    Object.entries(subgraphs).map(([name, sdl]) => ({ name, typeDefs: parse(sdl), url: `http://${name}.internal/graphql` })),
  );
  if (result.errors) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  return { supergraph: result.supergraphSdl, subgraphs };
}

async function main(): Promise<void> {
  const out = join(__dirname, '..');
  const { supergraph, subgraphs } = await composeSupergraph();
  mkdirSync(join(out, 'subgraphs'), { recursive: true });
  for (const [name, sdl] of Object.entries(subgraphs)) writeFileSync(join(out, 'subgraphs', `${name}.graphql`), sdl);
  writeFileSync(join(out, 'supergraph.graphql'), supergraph);
  console.log(`compose: supergraph of ${Object.keys(subgraphs).join(', ')} written to dist/supergraph.graphql`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
