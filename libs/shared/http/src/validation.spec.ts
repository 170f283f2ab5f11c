import { ArgumentMetadata } from '@nestjs/common';
import { ProblemException } from './problem-details';
import { controlCharacterAt, createValidationPipe } from './validation';

describe('control characters in client input', () => {
  const pipe = createValidationPipe();
  const refusal = async (value: unknown, metadata: ArgumentMetadata) => {
    try {
      await pipe.transform(value, metadata);
    } catch (error) {
      return error instanceof ProblemException ? error.getResponse() : error;
    }
    return undefined;
  };

  it('finds the first string or key holding one, by its path', () => {
    expect(controlCharacterAt({ name: 'ok\tfine\r\n', items: [{ title: 'x' }, { title: 'bad\u0000' }] }, '')).toBe('items.1.title');
    expect(controlCharacterAt({ ['k\u001b']: 1 }, 'filter')).toBe('filter.k\u001b');
    expect(controlCharacterAt('\u007f', 'key')).toBe('key');
    expect(controlCharacterAt({ text: 'tabs\tnewlines\nand returns\r are text, so is ünïcödé and \u2028' }, '')).toBeUndefined();
  });

  it('refuses a GraphQL argument with a NUL byte as a 400 naming the argument', async () => {
    expect(await refusal('\u0000x', { type: 3 as unknown as 'custom', metatype: String, data: 'key' })).toMatchObject({
      status: 400,
      detail: 'key must not contain control characters',
      errors: [{ field: 'key', message: 'must not contain control characters' }],
    });
  });

  it('refuses REST bodies, queries and path parameters alike', async () => {
    expect(await refusal({ name: 'a\u0001' }, { type: 'body', metatype: Object })).toMatchObject({ status: 400, errors: [{ field: 'name' }] });
    expect(await refusal('x\u0000', { type: 'param', metatype: String, data: 'id' })).toMatchObject({ status: 400, errors: [{ field: 'id' }] });
    expect(await refusal({ cursor: '\u0008' }, { type: 'query', metatype: Object })).toMatchObject({ errors: [{ field: 'cursor' }] });
  });

  it('leaves what is not client input alone (a resolver’s parent, context or info)', async () => {
    expect(await refusal({ name: '\u0000' }, { type: 0 as unknown as 'custom', metatype: Object })).toBeUndefined();
    expect(await refusal({ name: '\u0000' }, { type: 'custom', metatype: Object })).toBeUndefined();
  });
});
