import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError } from './problem-details';
import { ProblemException } from './problem-details';

/** Deeper than any DTO nests (settings.reminderPolicy.beforeDueDays is three), shallow enough for any recursion. */
export const MAX_INPUT_DEPTH = 32;

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Whether a parsed input nests objects or arrays deeper than `limit`, found without recursion. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, depth] = next;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const member of Object.values(current)) pending.push([member, depth + 1]);
  }
  return false;
}

/** C0 control characters other than TAB, LF and CR, and DEL: no text a client means (and Postgres cannot store NUL). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Where (`name`, `items.2.title`) the first string or key of `value` holds a control character, found without recursion. */
export function controlCharacterAt(value: unknown, root: string): string | undefined {
  const pending: [unknown, string][] = [[value, root]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, path] = next;
    if (typeof current === 'string') {
      if (CONTROL_CHARACTER.test(current)) return path;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, member] of Object.entries(current)) {
        const at = path ? `${path}.${key}` : key;
        if (CONTROL_CHARACTER.test(key)) return at;
        pending.push([member, at]);
      }
    }
  }
  return undefined;
}

/** The GraphQL argument parameter type as Nest hands it to pipes (`GqlParamtype.ARGS` of @nestjs/graphql). */
const GRAPHQL_ARGUMENTS = 3;

/** What a client sent: a REST body, query or path parameter, or a GraphQL argument (never a resolver's parent, context or info). */
const isClientInput = (metadata: ArgumentMetadata): boolean =>
  metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param' || (metadata.type as unknown) === GRAPHQL_ARGUMENTS;

/**
 * ValidationPipe walks (and class-transformer copies) an input recursively: a body a few thousand
 * arrays deep overflowed the stack, a 500. Such input is refused first. So is a control character in
 * any input, typed or not (a NUL in a GraphQL argument reached Postgres: an internal error).
 */
class DepthLimitedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Only what the pipe itself validates (bodies, queries, params, GraphQL arguments of DTO types); a
    // resolver's parent or info object is no input.
    if (this.toValidate(metadata) && nestedDeeperThan(value, MAX_INPUT_DEPTH)) {
      throw new ProblemException(400, `The request nests deeper than ${MAX_INPUT_DEPTH} levels`, {
        errors: [{ field: metadata.data ?? metadata.type, message: 'nested too deeply' }],
      });
    }
    const at = isClientInput(metadata) ? controlCharacterAt(value, metadata.data ?? '') : undefined;
    if (at !== undefined) {
      const field = at || String(metadata.data ?? metadata.type);
      throw new ProblemException(400, `${field} must not contain control characters`, { errors: [{ field, message: 'must not contain control characters' }] });
    }
    return super.transform(value, metadata);
  }
}

/** The one validation mechanism: class-validator DTOs, unknown fields rejected, errors naming fields. */
export function createValidationPipe(): ValidationPipe {
  return new DepthLimitedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ProblemException(400, 'The request has invalid fields', { errors: flatten(errors) }),
  });
}
