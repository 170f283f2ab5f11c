/**
 * The access rule of every GraphQL field a subgraph resolves, read from its resolver classes' metadata
 * exactly as Nest reads it to wire resolvers (resolver type and name, field and reference resolvers)
 * and as the identity guard reads the rule (the method's own, else its class's). Written by the build
 * to dist/graphql-access.json; the access tests hold the running graph to it.
 */
import { AccessRule, accessRuleOf } from '@assay/shared/auth';
import { Provider, Type } from '@nestjs/common';
import { MetadataScanner } from '@nestjs/core';
import {
  RESOLVER_NAME_METADATA,
  RESOLVER_PROPERTY_METADATA,
  RESOLVER_REFERENCE_KEY,
  RESOLVER_REFERENCE_METADATA,
  RESOLVER_TYPE_METADATA,
} from '@nestjs/graphql';
import { GraphQLSchema, isObjectType } from 'graphql';

export interface GraphqlFieldAccess {
  /** `Type.field`, or `Type.__resolveReference` for an entity's reference resolver. */
  coordinate: string;
  subgraph: string;
  /** The resolver class and method that answer it. */
  resolver: string;
  /** null when neither the method nor its class declares a rule (the guard refuses every call). */
  access: AccessRule | null;
}

export const GRAPHQL_ACCESS_FILE = 'graphql-access.json';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

function resolverClass(provider: Provider): Type<unknown> | undefined {
  if (typeof provider === 'function') return provider;
  return 'useClass' in provider ? provider.useClass : undefined;
}

/**
 * Every field resolver of `resolvers` with its rule. Fails when a resolver names a field the
 * subgraph's schema does not have, so the manifest can never describe a graph other than the one built.
 */
export function graphqlFieldAccess(subgraph: string, resolvers: Provider[], schema: GraphQLSchema): GraphqlFieldAccess[] {
  const scanner = new MetadataScanner();
  const fields: GraphqlFieldAccess[] = [];
  for (const provider of resolvers) {
    const target = resolverClass(provider);
    if (!target) continue;
    const prototype = target.prototype as Record<string, object>;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[methodName] as object;
      const type = (Reflect.getMetadata(RESOLVER_TYPE_METADATA, handler) ?? Reflect.getMetadata(RESOLVER_TYPE_METADATA, target)) as string | undefined;
      const isReference = !!Reflect.getMetadata(RESOLVER_REFERENCE_METADATA, handler);
      const isField = !!Reflect.getMetadata(RESOLVER_PROPERTY_METADATA, handler);
      if (!type || (!isReference && !isField && !ROOT_TYPES.has(type))) continue;
      const name = isReference ? RESOLVER_REFERENCE_KEY : ((Reflect.getMetadata(RESOLVER_NAME_METADATA, handler) as string | undefined) ?? methodName);
      const objectType = schema.getType(type);
      if (!isObjectType(objectType) || (!isReference && !objectType.getFields()[name])) {
        throw new Error(`${target.name}.${methodName} resolves ${type}.${name}, which the ${subgraph} schema does not have`);
      }
      fields.push({ coordinate: `${type}.${name}`, subgraph, resolver: `${target.name}.${methodName}`, access: accessRuleOf(handler, target) ?? null });
    }
  }
  return fields.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
}
