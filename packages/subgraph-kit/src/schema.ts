// A subgraph is a list of feature modules, each with its own .graphql file;
// the prelude adds what every subgraph shares (federation link, auth
// directives, scalars). schema/ prints the result to subgraphs/<name>/schema.graphql.
import { readFileSync } from 'node:fs';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { DateTimeResolver, JSONObjectResolver, JSONResolver } from 'graphql-scalars';
import { AUTH_DIRECTIVES_SDL, guardSchema } from './auth-directives.ts';
import type { RequestContext } from './context.ts';

export const SUBGRAPH_PRELUDE = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible"])
  ${AUTH_DIRECTIVES_SDL}
  scalar DateTime
  scalar JSON
  scalar JSONObject
`;

export type Resolvers = GraphQLResolverMap<RequestContext>;

/** A feature's slice of a subgraph: its SDL (a .graphql file beside it) and resolvers. */
export interface SubgraphModule {
  sdl: string;
  resolvers: Resolvers;
}

export function readSdl(fileUrl: URL): string {
  return readFileSync(fileUrl, 'utf8');
}

export const SCALAR_RESOLVERS = { DateTime: DateTimeResolver, JSON: JSONResolver, JSONObject: JSONObjectResolver };

export function buildGuardedSubgraphSchema(modules: SubgraphModule[]): GraphQLSchema {
  const prelude = { typeDefs: parse(SUBGRAPH_PRELUDE), resolvers: SCALAR_RESOLVERS as unknown as Resolvers };
  return guardSchema(buildSubgraphSchema([prelude, ...modules.map((m) => ({ typeDefs: parse(m.sdl), resolvers: m.resolvers }))]));
}
