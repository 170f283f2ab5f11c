import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { bearerToken } from '../authentication/credential-strategies';
import { ROUTE_TABLE, serviceForPath } from './route-table';

const segment = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('..', '.', '%2e%2e', '%2F', '', 'api', 'v1', '?', '#', '//'));

describe('gateway request parsing under generated input', () => {
  it('a path belongs to the service owning its longest whole-segment prefix, or to none', () => {
    const paths = fc.oneof(
      fc
        .tuple(fc.constantFrom(...ROUTE_TABLE.map(([prefix]) => prefix)), fc.array(segment, { maxLength: 3 }), fc.constantFrom('', '?x=/api/v1/evidence', '?'))
        .map(([prefix, rest, query]) => `${prefix}${rest.map((part) => `/${part}`).join('')}${query}`),
      fc.string({ maxLength: 30 }),
      fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
    );
    fc.assert(
      fc.property(paths, (path) => {
        const service = serviceForPath(path);
        const clean = path.split('?')[0] ?? '';
        const owners = ROUTE_TABLE.filter(([prefix]) => clean === prefix || clean.startsWith(`${prefix}/`)).sort((a, b) => b[0].length - a[0].length);
        return service === (owners[0]?.[1] ?? null);
      }),
    );
  });

  it('a bearer credential is read from any Authorization header without throwing, and is one bounded token', () => {
    const headers = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc
        .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Bearer\t'), fc.constantFrom(' ', '  ', ''), fc.string({ maxLength: 30 }))
        .map((parts) => parts.join('')),
      fc.constant(`Bearer ${'x'.repeat(5000)}`),
      fc.constant(undefined),
      fc.array(fc.string(), { maxLength: 2 }),
    );
    fc.assert(
      fc.property(headers, (authorization) => {
        const token = bearerToken({ headers: { authorization } } as unknown as IncomingMessage);
        return token === null || (token.length >= 1 && token.length <= 4096 && !/\s/.test(token));
      }),
    );
  });
});
