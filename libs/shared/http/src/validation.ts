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

/**
 * ValidationPipe walks (and class-transformer copies) an input recursively: a body a few thousand
 * arrays deep overflowed the stack, a 500. Such input is refused first.
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
