// graphql-ws parses and validates every message by default, while a client
// sends the same few operation texts over and over (each live keystroke is
// one). Parsed documents are kept per text (bounded, least recently used out),
// validation results per document and schema. A text that does not parse is
// not kept: parse throws again. Used by the subgraphs' and the gateway's
// graphql-ws servers.
import {
  parse as graphqlParse, specifiedRules, validate as graphqlValidate, type DocumentNode, type GraphQLError, type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';

export interface GraphQLCacheOptions {
  /** how a text becomes a document (default graphql's parse): e.g. parse with token limits */
  parse?: (source: string) => DocumentNode;
  /** the rules every document is validated with (default graphql's specifiedRules) */
  rules?: readonly ValidationRule[];
  maxDocuments?: number;
}

export interface GraphQLCache {
  parse: typeof graphqlParse;
  validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
}

export function cachedGraphQL(options: GraphQLCacheOptions = {}): GraphQLCache {
  const parseText = options.parse ?? ((source: string) => graphqlParse(source));
  const rules = options.rules ?? specifiedRules;
  const documents = new LRUCache<string, DocumentNode>({ max: options.maxDocuments ?? 500 });
  const verdicts = new WeakMap<DocumentNode, { schema: GraphQLSchema; errors: readonly GraphQLError[] }>();
  return {
    parse: (source, parseOptions) => {
      if (typeof source !== 'string' || parseOptions) return graphqlParse(source, parseOptions);
      let document = documents.get(source);
      if (!document) {
        document = parseText(source);
        documents.set(source, document);
      }
      return document;
    },
    validate: (schema, document) => {
      const hit = verdicts.get(document);
      if (hit && hit.schema === schema) return hit.errors;
      const errors = graphqlValidate(schema, document, rules);
      verdicts.set(document, { schema, errors });
      return errors;
    },
  };
}
