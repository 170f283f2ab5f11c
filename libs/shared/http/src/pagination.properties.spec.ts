import fc from 'fast-check';
import { isValidIdempotencyKey, requestFingerprint } from './idempotency.store';
import { CursorPart, decodeCursor, encodeCursor } from './pagination';
import { ProblemException } from './problem-details';

const SHAPES: CursorPart[][] = [['uuid'], ['integer'], ['timestamp', 'uuid']];
const partValue = {
  uuid: fc.uuid(),
  integer: fc.maxSafeInteger(),
  timestamp: fc.date({ noInvalidDate: true, min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') }).map((date) => date.toISOString()),
} as const;

/** A cursor decodes to values of its shape, or is refused with a 400; nothing else. */
function decoded(cursor: string, shape: CursorPart[]): (string | number)[] | null | 400 {
  try {
    return decodeCursor(cursor, shape);
  } catch (error) {
    if (error instanceof ProblemException && error.getStatus() === 400) return 400;
    throw error;
  }
}

describe('pagination cursors and idempotency keys under generated input', () => {
  it('cursors the server wrote decode to the same values', () => {
    const written = fc
      .constantFrom(...SHAPES)
      .chain((shape) => fc.tuple(fc.constant(shape), fc.tuple(...shape.map((part) => partValue[part] as fc.Arbitrary<string | number>))));
    fc.assert(
      fc.property(written, ([shape, values]) => {
        expect(decodeCursor(encodeCursor(values), shape)).toEqual(values);
        return true;
      }),
    );
  });

  it('forged cursors decode to values of the right shape or are a 400, never anything a query could choke on', () => {
    const forgedValues = fc.array(
      fc.oneof(
        fc.uuid(),
        fc.string({ maxLength: 12 }),
        fc.integer(),
        fc.double(),
        fc.constantFrom(
          '1e999',
          'Infinity',
          '2024-02-30T00:00:00.000Z',
          '+275760-09-13T00:00:00.000Z',
          '0000-01-01T00:00:00.000Z',
          "' or 1=1 --",
          null,
          true,
          [],
          {},
        ),
      ),
      { maxLength: 3 },
    );
    const cursors = fc.oneof(
      forgedValues.map((values) => Buffer.from(JSON.stringify(values)).toString('base64url')),
      fc.string({ maxLength: 40 }),
      fc.base64String({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 12 }).map((text) => Buffer.from(text).toString('base64url')),
    );
    fc.assert(
      fc.property(cursors, fc.constantFrom(...SHAPES), (cursor, shape) => {
        const values = decoded(cursor, shape);
        if (values === 400) return true;
        if (values === null) return cursor === '';
        expect(values).toHaveLength(shape.length);
        shape.forEach((part, index) => {
          const value = values[index];
          if (part === 'uuid') expect(value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
          if (part === 'integer') expect(Number.isSafeInteger(value)).toBe(true);
          if (part === 'timestamp') expect(new Date(value as string).toISOString()).toBe(value);
        });
        return true;
      }),
    );
  });

  it('Idempotency-Key: 1 to 255 printable ASCII characters, any other string refused', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 20 }),
          fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\n', '\u007f', '~', '!', '\u00e9'), maxLength: 258 }),
        ),
        (key) => {
          const printable = key.length >= 1 && key.length <= 255 && [...key].every((char) => char >= '!' && char <= '~');
          expect(isValidIdempotencyKey(key)).toBe(printable);
          return requestFingerprint('post', '/x', key) === requestFingerprint('POST', '/x', Buffer.from(key));
        },
      ),
    );
  });
});
