import { Type } from '@nestjs/common';
import { Directive, Field, Int, ObjectType } from '@nestjs/graphql';

/** Every subgraph's connections share this type, so it is shareable across the federation. */
@ObjectType()
@Directive('@shareable')
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount?: number;
}

/**
 * Builds a Relay connection type for a node type (`SupplierConnection`, …), registered in the module
 * its node type is (`registerIn`, see the subgraph's schema module).
 */
export function connectionType<T>(node: Type<T>, registerIn?: Type<unknown>): Type<Connection<T>> {
  @ObjectType(`${node.name}Edge`, { registerIn })
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${node.name}Connection`, { isAbstract: false, registerIn })
  class ConnectionClass {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { nullable: true })
    totalCount?: number;
  }
  return ConnectionClass as Type<Connection<T>>;
}

/**
 * A keyset page (`{ data, nextCursor }`, as the REST lists return) as a Relay connection. `cursorOf`
 * gives each edge the cursor that resumes right after it; the last edge's is the page's own.
 */
export function toConnection<T, N = T>(
  page: { data: T[]; nextCursor: string | null },
  cursorOf: (item: T) => string,
  map: (item: T) => N = (item) => item as unknown as N,
): Connection<N> {
  const last = page.data.length - 1;
  const edges = page.data.map((item, index) => ({ cursor: index === last && page.nextCursor ? page.nextCursor : cursorOf(item), node: map(item) }));
  return { edges, pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor ?? (last >= 0 ? (edges[last]?.cursor ?? null) : null) } };
}
