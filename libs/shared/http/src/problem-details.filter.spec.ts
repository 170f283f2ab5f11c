import { Client } from 'pg';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ProblemDetailsFilter, isDependencyDown } from './problem-details.filter';

/** A pg error as the driver reports one from the server: a message and a SQLSTATE code. */
const serverError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('isDependencyDown', () => {
  it('recognises Postgres and Redis (a server or a cluster) being away, restarting or out of connections', () => {
    for (const error of [
      serverError('57P01', 'terminating connection due to administrator command'),
      serverError('57P03', 'the database system is starting up'),
      serverError('57P03', 'the database system is shutting down'),
      serverError('53300', 'sorry, too many clients already'),
      serverError('08006', 'connection failure'),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection is closed.'),
      new Error('Command timed out'),
      new Error('CLUSTERDOWN The cluster is down'),
      new Error('TRYAGAIN Multiple keys request during rehashing of slot'),
      new Error('None of startup nodes is available'),
      new Error('Failed to refresh slots cache.'),
      new Error('Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.'),
    ]) {
      expect([error.message, isDependencyDown(error)]).toEqual([error.message, true]);
    }
  });

  it('leaves bugs and bad requests alone', () => {
    for (const error of [
      serverError('42601', 'syntax error at or near "selec"'),
      serverError('23505', 'duplicate key value violates unique constraint'),
      new TypeError('x is undefined'),
      null,
      'text',
    ]) {
      expect(isDependencyDown(error)).toBe(false);
    }
  });

  it('a real client whose server goes away mid-query answers 503 with Retry-After, not 500', async () => {
    // A server that accepts the connection and then drops it, as a restarting Postgres does.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new Client({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, user: 'assay', database: 'assay' });
    client.on('error', () => undefined);
    const error = await client.connect().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    server.close();
    expect(error).toBeInstanceOf(Error);
    const { body, headers } = new ProblemDetailsFilter().toProblem(error);
    expect(body.status).toBe(503);
    expect(headers['retry-after']).toBe('5');
  });
});
