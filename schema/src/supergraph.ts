// Reads ownership out of the composed supergraph: which subgraph (join__graph)
// serves which root field. @apollo/gateway executes no subscriptions, so the
// gateway forwards each one to the owner found here; it also sends a mutation
// whose fields all belong to one subgraph straight to it over a socket that is
// already open (gateway/src/subscription-forwarder.ts).
import { readFileSync } from 'node:fs';
import {
  Kind, parse, type ConstDirectiveNode, type DocumentNode, type FieldDefinitionNode, type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';
import { SUPERGRAPH_PATH } from './subgraphs.ts';

export interface SupergraphGraph {
  /** the join__Graph enum value, e.g. CONTENT */
  enumValue: string;
  /** the subgraph's name, e.g. content */
  name: string;
  /** the URL recorded at composition (the default; the gateway may override it) */
  url: string;
}

export function readSupergraphSdl(path: string = SUPERGRAPH_PATH): string {
  return readFileSync(path, 'utf8');
}

function stringArg(directive: ConstDirectiveNode, name: string): string | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.STRING ? arg.value.value : undefined;
}

function enumArg(directive: ConstDirectiveNode, name: string): string | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.ENUM ? arg.value.value : undefined;
}

function boolArg(directive: ConstDirectiveNode, name: string): boolean {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.BOOLEAN && arg.value.value;
}

function toDocument(supergraph: string | DocumentNode): DocumentNode {
  return typeof supergraph === 'string' ? parse(supergraph) : supergraph;
}

/** The subgraphs listed in the supergraph's join__Graph enum. */
export function supergraphGraphs(supergraph: string | DocumentNode): SupergraphGraph[] {
  const doc = toDocument(supergraph);
  const graphs: SupergraphGraph[] = [];
  for (const def of doc.definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION || def.name.value !== 'join__Graph') continue;
    for (const value of def.values ?? []) {
      const directive = value.directives?.find((d) => d.name.value === 'join__graph');
      const name = directive && stringArg(directive, 'name');
      const url = directive && stringArg(directive, 'url');
      if (name !== undefined && url !== undefined) graphs.push({ enumValue: value.name.value, name, url });
    }
  }
  return graphs;
}

type RootOperation = 'query' | 'mutation' | 'subscription';
const DEFAULT_ROOT_NAMES: Record<RootOperation, string> = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };

function rootTypeName(doc: DocumentNode, operation: RootOperation): string | null {
  for (const def of doc.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    const op = def.operationTypes?.find((o) => o.operation === operation);
    if (op) return op.type.name.value;
  }
  const name = DEFAULT_ROOT_NAMES[operation];
  return doc.definitions.some((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === name) ? name : null;
}

/** Every Subscription root field with the subgraph serving it (see rootFieldOwners). */
export function subscriptionOwners(supergraph: string | DocumentNode): Map<string, SupergraphGraph> {
  return rootFieldOwners(supergraph, 'subscription');
}

/**
 * Every root field of the operation type with the subgraph serving it. A
 * field's `@join__field(graph:)` (not external) names its graphs; without one
 * the field lives in every graph of its type's `@join__type`. A field served by
 * several subgraphs (@shareable) maps to the first one listed.
 */
export function rootFieldOwners(supergraph: string | DocumentNode, operation: RootOperation): Map<string, SupergraphGraph> {
  const doc = toDocument(supergraph);
  const graphs = new Map(supergraphGraphs(doc).map((g) => [g.enumValue, g]));
  const typeName = rootTypeName(doc, operation);
  const owners = new Map<string, SupergraphGraph>();
  if (!typeName) return owners;
  const parts = doc.definitions.filter(
    (d): d is ObjectTypeDefinitionNode | ObjectTypeExtensionNode =>
      (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === typeName,
  );
  const typeGraphs = parts.flatMap((p) => (p.directives ?? []).filter((d) => d.name.value === 'join__type').map((d) => enumArg(d, 'graph')));
  const fields: FieldDefinitionNode[] = parts.flatMap((p) => [...(p.fields ?? [])]);
  for (const field of fields) {
    const joinFields = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
    const fieldGraphs = joinFields.filter((d) => !boolArg(d, 'external')).map((d) => enumArg(d, 'graph')).filter((g) => g !== undefined);
    const candidates = joinFields.some((d) => enumArg(d, 'graph') !== undefined) ? fieldGraphs : typeGraphs;
    const owner = candidates.map((g) => (g === undefined ? undefined : graphs.get(g))).find((g) => g !== undefined);
    if (owner) owners.set(field.name.value, owner);
  }
  return owners;
}

/** The subgraph serving Subscription.<fieldName>, or null when there is no such field. */
export function subscriptionOwner(supergraph: string | DocumentNode, fieldName: string): SupergraphGraph | null {
  return subscriptionOwners(supergraph).get(fieldName) ?? null;
}
