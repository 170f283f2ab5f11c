/**
 * Builds each subgraph's SDL from its resolvers (no database or network needed), composes the
 * Federation 2 supergraph and writes it to dist/supergraph.graphql. Exits non-zero on any
 * composition error, so a broken graph never ships.
 */
import 'reflect-metadata';
import type { ServiceName } from '@assay/shared/contracts';
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

/*
 * Each subgraph's SDL is built in a process that loads only that domain (tools/subgraphs/*): Nest's
 * code-first schema builder keeps its type metadata in process-wide storage, so one process loading
 * every domain would print every domain's types into every subgraph.
 */
const SUBGRAPHS: readonly ServiceName[] = ['tenancy', 'assessments', 'evidence', 'notifications'];

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
  for (const name of SUBGRAPHS) {
    const script = join(__dirname, 'subgraphs', `${name}-sdl.js`);
    const sdl = execFileSync(process.execPath, ['--enable-source-maps', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (sdl.trim()) subgraphs[name] = sdl;
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

/** Prints one subgraph's SDL on stdout (nothing when the domain has no resolvers yet); run by tools/subgraphs/*. */
export function printSubgraphSdl(resolvers: Provider[]): void {
  (resolvers.length > 0 ? subgraphSdl(resolvers) : Promise.resolve(''))
    .then((sdl) => process.stdout.write(sdl))
    .catch((error: unknown) => {
      console.error((error as Error).stack ?? error);
      process.exit(1);
    });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
