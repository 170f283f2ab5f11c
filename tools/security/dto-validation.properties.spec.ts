import 'reflect-metadata';
import '@assay/assessments';
import '@assay/evidence';
import '@assay/notifications';
import '@assay/tenancy';
import { ProblemException, createValidationPipe } from '@assay/shared/http';
import type { ArgumentMetadata } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import fc from 'fast-check';

/*
 * The one validation mechanism of every service, run as the services run it (the global
 * ValidationPipe) over every class-validator DTO the services declare: whatever a client sends, the
 * answer is a valid instance of the DTO or a 400 naming fields, never another error (a 500).
 */

type Dto = new (...args: never[]) => object;

/** Every class with validation rules, found in class-validator's registry once the libraries are loaded. */
function dtoClasses(): Map<Dto, string[]> {
  const registry = (getMetadataStorage() as unknown as { validationMetadatas: Map<Dto, { propertyName: string }[]> }).validationMetadatas;
  const classes = new Map<Dto, string[]>();
  for (const target of registry.keys()) {
    if (typeof target !== 'function') continue;
    const names = new Set<string>();
    // Rules are declared on each class of a hierarchy: a DTO has its own and its parents'.
    for (let type: unknown = target; typeof type === 'function' && type !== Function.prototype; type = Object.getPrototypeOf(type)) {
      for (const rule of registry.get(type as Dto) ?? []) names.add(rule.propertyName);
    }
    classes.set(target, [...names]);
  }
  return classes;
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).join();

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.uuid(),
  fc.string({ maxLength: 6 }).map((local) => `${local}@supplier.example`),
  fc.integer({ min: -1e13, max: 1e14 }).map((time) => new Date(time).toISOString()),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '',
    ' ',
    'x'.repeat(5000),
    '1.2.1',
    'critical',
    'developer_distributor',
    'uk-sscop',
    'met',
    'accepted',
    'admin',
    'evidence:read',
    '*',
    'https://hooks.example.com/x',
    'javascript:alert(1)',
    '__proto__',
    'NaN',
    '1e999',
    '2026-02-30',
    '0x10',
    '-1',
    '201',
  ),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'xsmall', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 3 }),
  ),
}));

/** An object with some of the DTO's own fields (valid-looking or hostile values), sometimes extra or prototype keys. */
function bodyFor(fields: string[]): fc.Arbitrary<unknown> {
  const member = fc.tuple(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...fields, 'id') }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'unknownField') }),
    value,
  );
  const object = fc
    .array(member, { maxLength: Math.max(3, fields.length + 1) })
    .map((members) => JSON.parse(`{${members.map(([name, v]) => `${JSON.stringify(name)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`) as unknown);
  return fc.oneof(
    { weight: 8, arbitrary: object },
    { weight: 1, arbitrary: value },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, '', [], 'body') },
  );
}

const LOCATIONS: ArgumentMetadata['type'][] = ['body', 'query', 'param'];

describe('DTO validation (the services’ ValidationPipe) under generated input', () => {
  const classes = dtoClasses();
  const pipe = createValidationPipe();

  it('finds the DTOs of every service', () => {
    const names = [...classes.keys()].map((dto) => dto.name);
    expect(names.length).toBeGreaterThanOrEqual(40);
    expect(names).toEqual(expect.arrayContaining(['SignupDto', 'CreateSupplierDto', 'CreateWebhookEndpointDto', 'UrlEvidenceDto', 'PageQueryDto']));
  });

  it('refuses input nested thousands deep with a 400 (the pipe walks it recursively: it overflowed the stack)', async () => {
    const deep = JSON.parse(`{"name":${'['.repeat(5_000)}${']'.repeat(5_000)}}`) as unknown;
    for (const dto of classes.keys()) {
      const outcome = await pipe.transform(deep, { type: 'body', metatype: dto, data: undefined }).catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(ProblemException);
      expect((outcome as ProblemException).getStatus()).toBe(400);
    }
  });

  it('answers every input with a valid DTO or a 400 naming fields', async () => {
    const cases = fc.constantFrom(...classes.entries()).chain(([dto, fields]) => fc.tuple(fc.constant(dto), bodyFor(fields), fc.constantFrom(...LOCATIONS)));
    await fc.assert(
      fc.asyncProperty(cases, async ([dto, input, type]) => {
        let result: unknown;
        try {
          result = await pipe.transform(input, { type, metatype: dto, data: undefined });
        } catch (error) {
          if (!(error instanceof ProblemException) || error.getStatus() !== 400) throw error;
          const body = error.getResponse() as { errors?: { field: string; message: string }[] };
          expect(body.errors?.length).toBeGreaterThan(0);
          return Object.getOwnPropertyNames(Object.prototype).join() === PROTOTYPE_KEYS;
        }
        expect(result).toBeInstanceOf(dto);
        // Unknown fields are refused, never carried on.
        expect(Object.keys(result as object).every((field) => classes.get(dto)?.includes(field))).toBe(true);
        return Object.getOwnPropertyNames(Object.prototype).join() === PROTOTYPE_KEYS && ({} as Record<string, unknown>)['polluted'] === undefined;
      }),
      { timeout: 30_000 }, // a hang, never mere slowness on a loaded machine
    );
  });
});
