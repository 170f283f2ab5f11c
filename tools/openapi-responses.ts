/**
 * The success response schema of every REST operation, derived from what its controller method
 * returns: the TypeScript type of the view the service builds (the definitions that shape the
 * response) read with the compiler's type checker and written as JSON Schema. Named views
 * (`SupplierView`, `Page` items) become named schemas; `Date` is an RFC 3339 string, as JSON writes it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

type Json = Record<string, unknown>;

const HTTP_METHODS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete']);
/** Types that leave as JSON strings. */
const STRING_TYPES: Record<string, Json> = { Date: { type: 'string', format: 'date-time' } };
const MAX_DEPTH = 16;

export interface ResponseSchemas {
  /** By operation id (`SuppliersController_create`): the JSON body schema, or null when the method returns nothing. */
  operations: Record<string, { schema: Json | null; text: boolean }>;
  /** Named schemas the operations refer to (`#/components/schemas/<name>`). */
  schemas: Record<string, Json>;
}

function* controllerFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(full).isDirectory()) yield* controllerFiles(full);
    else if (name.endsWith('.controller.ts')) yield full;
  }
}

function decoratorName(decorator: ts.Decorator): string | undefined {
  const expression = decorator.expression;
  if (ts.isCallExpression(expression) && ts.isIdentifier(expression.expression)) return expression.expression.text;
  return undefined;
}

class SchemaWriter {
  readonly schemas: Record<string, Json> = {};
  /** Which type each schema name was written for, so two different types never share a name. */
  private readonly owners = new Map<string, ts.Type>();
  /** Union aliases being written, to cut recursion through them. */
  private readonly visiting = new Set<ts.Symbol>();

  constructor(private readonly checker: ts.TypeChecker) {}

  /** The JSON Schema of a value of `type` once serialised (undefined: it is never sent). */
  write(type: ts.Type, depth = 0): Json {
    if (depth > MAX_DEPTH) return {};
    const checker = this.checker;
    const flags = type.flags;
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (flags & ts.TypeFlags.StringLiteral) return { type: 'string', const: (type as ts.StringLiteralType).value };
    if (flags & ts.TypeFlags.NumberLiteral) return { type: 'number', const: (type as ts.NumberLiteralType).value };
    if (flags & ts.TypeFlags.BooleanLiteral) return { type: 'boolean', const: checker.typeToString(type) === 'true' };
    if (flags & ts.TypeFlags.StringLike) return { type: 'string' };
    if (flags & ts.TypeFlags.NumberLike) return { type: 'number' };
    if (flags & ts.TypeFlags.BooleanLike) return { type: 'boolean' };
    if (flags & ts.TypeFlags.BigIntLike) return { type: 'string' };
    if (flags & ts.TypeFlags.Null) return { type: 'null' };
    if (type.isUnion()) {
      // A recursive alias (JSON values: a union that contains itself) is any JSON value from its second level on.
      const alias = type.aliasSymbol;
      if (alias && this.visiting.has(alias)) return {};
      if (alias) this.visiting.add(alias);
      try {
        return this.union(type, depth);
      } finally {
        if (alias) this.visiting.delete(alias);
      }
    }
    if (type.isIntersection()) return this.object(type, depth);
    const symbolName = type.getSymbol()?.getName();
    if (symbolName && STRING_TYPES[symbolName]) return { ...STRING_TYPES[symbolName] };
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      const items = checker.getTypeArguments(type as ts.TypeReference);
      if (checker.isTupleType(type)) return { type: 'array', prefixItems: items.map((item) => this.write(item, depth + 1)), items: false };
      return { type: 'array', items: items[0] ? this.write(items[0], depth + 1) : {} };
    }
    if (flags & ts.TypeFlags.Object) return this.named(type, depth) ?? this.object(type, depth);
    return {};
  }

  private union(type: ts.UnionType, depth: number): Json {
    const members = type.types.filter((member) => !(member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
    const nullable = members.some((member) => member.flags & ts.TypeFlags.Null);
    // `boolean` inside a wider union arrives as its two literals.
    const booleans = members.filter((member) => member.flags & ts.TypeFlags.BooleanLiteral);
    const rest = members.filter((member) => !(member.flags & ts.TypeFlags.Null) && (booleans.length < 2 || !(member.flags & ts.TypeFlags.BooleanLiteral)));
    if (booleans.length === 2) rest.push(this.checker.getBooleanType());
    let schema: Json;
    if (rest.length && rest.every((member) => member.flags & ts.TypeFlags.BooleanLiteral)) schema = { type: 'boolean' };
    else if (rest.length && rest.every((member) => member.flags & ts.TypeFlags.StringLiteral)) {
      schema = { type: 'string', enum: rest.map((member) => (member as ts.StringLiteralType).value) };
    } else if (rest.length === 1) schema = this.write(rest[0] as ts.Type, depth + 1);
    else {
      schema = { anyOf: rest.map((member) => this.write(member, depth + 1)) };
    }
    if (!nullable) return schema;
    if (typeof schema['type'] === 'string' && !schema['const']) {
      return { ...schema, type: [schema['type'], 'null'], ...(Array.isArray(schema['enum']) ? { enum: [...(schema['enum'] as unknown[]), null] } : {}) };
    }
    return { anyOf: [...((schema['anyOf'] as Json[] | undefined) ?? [schema]), { type: 'null' }] };
  }

  /** A named interface, class or alias (not a generic instantiation) as a `$ref` to its named schema. */
  private named(type: ts.Type, depth: number): Json | undefined {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const name = symbol?.getName();
    if (!name || name.startsWith('__') || !/^[A-Z]\w*$/.test(name)) return undefined;
    if (type.aliasTypeArguments?.length || ((type as ts.TypeReference).typeArguments?.length ?? 0) > 0) return undefined;
    const owner = this.owners.get(name);
    if (owner && owner !== type) return undefined;
    if (!owner) {
      this.owners.set(name, type);
      this.schemas[name] = {};
      this.schemas[name] = this.object(type, depth);
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  private object(type: ts.Type, depth: number): Json {
    const checker = this.checker;
    const properties: Record<string, Json> = {};
    const required: string[] = [];
    for (const property of checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      const propertyType = declaration ? checker.getTypeOfSymbolAtLocation(property, declaration) : checker.getDeclaredTypeOfSymbol(property);
      if (checker.getSignaturesOfType(propertyType, ts.SignatureKind.Call).length) continue;
      const optional =
        (property.flags & ts.SymbolFlags.Optional) !== 0 ||
        (propertyType.isUnion() && propertyType.types.some((member) => member.flags & ts.TypeFlags.Undefined));
      const schema = this.write(propertyType, depth + 1);
      const description = ts.displayPartsToString(property.getDocumentationComment(checker)).trim();
      properties[property.getName()] = description && !schema['$ref'] ? { ...schema, description } : schema;
      if (!optional) required.push(property.getName());
    }
    const schema: Json = { type: 'object', properties };
    if (required.length) schema['required'] = required;
    const index = checker.getIndexInfosOfType(type)[0];
    if (index) schema['additionalProperties'] = this.write(index.type, depth + 1);
    return schema;
  }
}

/** The response schemas of every controller under `root/libs`. */
export function responseSchemas(root: string): ResponseSchemas {
  const configFile = join(root, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  const files = [...controllerFiles(join(root, 'libs'))];
  const program = ts.createProgram(files, { ...(config?.options ?? {}), noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const writer = new SchemaWriter(checker);
  const operations: ResponseSchemas['operations'] = {};
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    source.forEachChild(function visit(node) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const decorators = ts.getDecorators(node) ?? [];
      if (!decorators.some((decorator) => decoratorName(decorator) === 'Controller')) return;
      for (const member of node.members) {
        if (!ts.isMethodDeclaration(member) || !ts.isIdentifier(member.name)) continue;
        if (!(ts.getDecorators(member) ?? []).some((decorator) => HTTP_METHODS.has(decoratorName(decorator) ?? ''))) continue;
        const signature = checker.getSignatureFromDeclaration(member);
        if (!signature) continue;
        const returned = checker.getAwaitedType(checker.getReturnTypeOfSignature(signature)) ?? checker.getReturnTypeOfSignature(signature);
        const id = `${node.name.text}_${member.name.text}`;
        if (returned.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)) {
          operations[id] = { schema: null, text: false };
          continue;
        }
        // A method that may also answer with text (a CSV rendering) documents its JSON form.
        const members = returned.isUnion() ? returned.types : [returned];
        const text = members.some((type) => type.flags & ts.TypeFlags.String);
        const json = members.filter((type) => !(type.flags & ts.TypeFlags.String));
        const jsonType = json.length === members.length ? returned : json.length === 1 ? json[0] : undefined;
        operations[id] = { schema: jsonType ? writer.write(jsonType) : null, text };
      }
    });
  }
  return { operations, schemas: writer.schemas };
}

/** The repository root, from the compiled tool (dist/tools) or its source (tools). */
export const projectRoot = (): string => resolve(__dirname, __dirname.endsWith(join('dist', 'tools')) ? '../..' : '..');
