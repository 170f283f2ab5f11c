/**
 * Builds each subgraph's SDL from its resolvers (no database or network needed), composes the
 * Federation 2 supergraph and writes it to dist/supergraph.graphql, with the access rule of every
 * resolved field in dist/graphql-access.json. Exits non-zero on any composition error, so a broken
 * graph never ships.
 */
import 'reflect-metadata';
import { SERVICE_NAMES } from '@assay/shared/contracts';
import { subgraphOptions } from '@assay/shared/graphql';
import { printSubgraphSchema } from '@apollo/subgraph';
import { Provider } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GRAPHQL_ACCESS_FILE, GraphqlFieldAccess, graphqlFieldAccess } from './graphql-access';

/** What each subgraph's process prints: its SDL and the access rules of its resolvers. */
interface SubgraphBuild {
  sdl: string;
  access: GraphqlFieldAccess[];
}

export async function buildSubgraph(name: string, resolvers: Provider[]): Promise<SubgraphBuild> {
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
    const { schema } = app.get(GraphQLSchemaHost);
    return { sdl: printSubgraphSchema(schema), access: graphqlFieldAccess(name, resolvers, schema) };
  } finally {
    await app.close();
  }
}

export async function composeSupergraph(): Promise<{ supergraph: string; subgraphs: Record<string, string>; access: GraphqlFieldAccess[] }> {
  const subgraphs: Record<string, string> = {};
  const access: GraphqlFieldAccess[] = [];
  for (const name of SERVICE_NAMES) {
    // Code-first GraphQL registers every object type a process has loaded, so each subgraph's SDL
    // is printed by its own process (tools/subgraph-sdl/<name>) that loads only that domain.
    const script = join(__dirname, 'subgraph-sdl', `${name}.js`);
    const output = execFileSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (!output.trim()) continue;
    const built = JSON.parse(output) as SubgraphBuild;
    subgraphs[name] = built.sdl;
    access.push(...built.access);
  }
  const result = composeServices(Object.entries(subgraphs).map(([name, sdl]) => ({ name, typeDefs: parse(sdl), url: `http://${name}.internal/graphql` })));
  if (result.errors) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  return { supergraph: result.supergraphSdl, subgraphs, access };
}

async function main(): Promise<void> {
  const out = join(__dirname, '..');
  const { supergraph, subgraphs, access } = await composeSupergraph();
  mkdirSync(join(out, 'subgraphs'), { recursive: true });
  for (const [name, sdl] of Object.entries(subgraphs)) writeFileSync(join(out, 'subgraphs', `${name}.graphql`), sdl);
  writeFileSync(join(out, 'supergraph.graphql'), supergraph);
  writeFileSync(join(out, GRAPHQL_ACCESS_FILE), `${JSON.stringify(access, null, 2)}\n`);
  console.log(
    `compose: supergraph of ${Object.keys(subgraphs).join(', ')} written to dist/supergraph.graphql, access rules of ${access.length} fields to dist/${GRAPHQL_ACCESS_FILE}`,
  );
}

/** Prints one subgraph's SDL and access rules to stdout as JSON (nothing when the domain has no resolvers yet). */
export async function printSubgraph(name: string, resolvers: Provider[]): Promise<void> {
  try {
    if (resolvers.length > 0) process.stdout.write(JSON.stringify(await buildSubgraph(name, resolvers)));
  } catch (error) {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
