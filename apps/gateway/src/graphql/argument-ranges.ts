import { ASTVisitor, GraphQLError, Kind, ValueNode, visit } from 'graphql';

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;

/** The first number literal in an argument value that no GraphQL Int or Float can hold, with its path. */
function outOfRange(value: ValueNode, path: string): { field: string; message: string } | undefined {
  const pending: [ValueNode, string][] = [[value, path]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, at] = next;
    if (node.kind === Kind.INT && (BigInt(node.value) < INT_MIN || BigInt(node.value) > INT_MAX)) return { field: at, message: 'must be a 32-bit integer' };
    if (node.kind === Kind.FLOAT && !Number.isFinite(Number(node.value))) return { field: at, message: 'must be a finite number' };
    if (node.kind === Kind.LIST) node.values.forEach((item, index) => pending.push([item, `${at}.${index}`]));
    if (node.kind === Kind.OBJECT) node.fields.forEach((field) => pending.push([field.value, `${at}.${field.name.value}`]));
  }
  return undefined;
}

/**
 * A number literal out of range in an argument (`first: 2147483648`, `1e400`) is a client error naming
 * the argument, found before any other rule weighs the operation (the cost limit multiplies by
 * `first`, and graphql-js would report it without a code). Variables are coerced and refused by
 * graphql-js itself, as BAD_USER_INPUT naming the variable.
 */
export const argumentRangeRule = (): ASTVisitor => ({
  Document: {
    enter(document) {
      visit(document, {
        Argument(argument) {
          const found = outOfRange(argument.value, argument.name.value);
          if (found) {
            throw new GraphQLError(`${found.field} ${found.message}`, {
              nodes: [argument],
              extensions: { code: 'BAD_REQUEST', errors: [found] },
            });
          }
        },
      });
    },
  },
});

/** The gateway plugin that adds the rule ahead of the operation limits. */
export const argumentRangePlugin = () => ({
  onValidate({ addValidationRule }: { addValidationRule: (rule: typeof argumentRangeRule) => void }) {
    addValidationRule(argumentRangeRule);
  },
});
