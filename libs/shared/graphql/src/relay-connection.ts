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

/** Builds a Relay connection type for a node type (`SupplierConnection`, …). */
export function connectionType<T>(node: Type<T>): Type<Connection<T>> {
  @ObjectType(`${node.name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${node.name}Connection`, { isAbstract: false })
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

/** A REST-style page (`{ data, nextCursor }`) as a Relay connection; edge cursors are the page cursor for the last edge. */
export function toConnection<T, N = T>(page: { data: T[]; nextCursor: string | null }, map: (item: T) => N = (item) => item as unknown as N): Connection<N> {
  const edges = page.data.map((item, index) => ({ cursor: index === page.data.length - 1 && page.nextCursor ? page.nextCursor : `${index}`, node: map(item) }));
  return { edges, pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor } };
}
