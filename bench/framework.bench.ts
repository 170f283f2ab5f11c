/**
 * Framework overhead: the same route — GET /catalogue answering the Code of Practice catalogue as
 * JSON (about 11 KB, the object built once) — served by NestJS on its Fastify adapter (a controller,
 * Nest's router, guards/pipes/interceptors machinery) and by plain Fastify, both in one child process
 * of this benchmark (each on its own port, loaded one after the other). Prints the ratio Nest / Fastify.
 *
 *   npm run bench:framework          # BENCH_SECONDS, BENCH_CONNECTIONS to change
 */
import 'reflect-metadata';
import { loadBundledCatalogues } from '@assay/assessments';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify from 'fastify';
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { log, runBenchmark } from './bench-runner';
import { loadHttp, report } from './load';

const SERVE_FLAG = '--serve';

/** The child: both servers, ports reported to the parent over IPC. */
async function serve(): Promise<void> {
  const [catalogue] = loadBundledCatalogues();
  if (!catalogue) throw new Error('no bundled catalogue');

  @Controller()
  class CatalogueController {
    @Get('catalogue')
    get(): unknown {
      return catalogue;
    }
  }
  @Module({ controllers: [CatalogueController] })
  class BenchModule {}

  const nest = await NestFactory.create<NestFastifyApplication>(BenchModule, new FastifyAdapter(), { logger: false });
  await nest.listen({ port: 0, host: '127.0.0.1' });
  const plain = Fastify({ logger: false });
  plain.get('/catalogue', async () => catalogue);
  await plain.listen({ port: 0, host: '127.0.0.1' });
  const port = (address: AddressInfo | string | null) => (address as AddressInfo).port;
  process.send?.({ nest: port(nest.getHttpServer().address()), fastify: port(plain.server.address()) });
  process.once('disconnect', () => process.exit(0));
}

async function main(): Promise<void> {
  const child = fork(__filename, [SERVE_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const ports = await new Promise<{ nest: number; fastify: number }>((resolve, reject) => {
      child.once('message', (message) => resolve(message as { nest: number; fastify: number }));
      child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
    });
    const [catalogue] = loadBundledCatalogues();
    const bytes = JSON.stringify(catalogue).length;
    log(`payload: the ${catalogue?.key} catalogue, ${bytes} bytes of JSON`);
    const isCatalogue = (body: any) => body?.key === catalogue?.key && JSON.stringify(body).length === bytes;
    const fastify = await loadHttp('plain Fastify route', { url: `http://127.0.0.1:${ports.fastify}/catalogue` }, isCatalogue);
    const nest = await loadHttp('NestJS + Fastify adapter route', { url: `http://127.0.0.1:${ports.nest}/catalogue` }, isCatalogue);
    report('GET /catalogue', fastify, nest);
  } finally {
    child.disconnect();
  }
}

if (process.argv.includes(SERVE_FLAG)) {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  runBenchmark(main);
}
