// Request limits, applied identically to HTTP (Apollo's validationRules and
// parseOptions) and to WebSocket subscriptions (same rules, run by hand).
// Depth, cost, aliases and directives: graphql-armor's validation rules,
// reporting GRAPHQL_VALIDATION_FAILED. Tokens: graphql-js's own parser limit
// (maxLexicalTokens), reporting GRAPHQL_PARSE_FAILED: armor's Apollo token
// plugin throws out of a request hook, which Apollo answers with a 500.
import {
  GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, type DocumentNode, type ParseOptions,
  type ValidationContext, type ValidationRule,
} from 'graphql';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';

export interface LimitConfig {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
}

export const DEFAULT_LIMITS: LimitConfig = {
  maxDepth: 10,
  maxCost: 5000,
  maxAliases: 15,
  maxDirectives: 50,
  maxTokens: 3000,
};

/** GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_COST, GRAPHQL_MAX_ALIASES, GRAPHQL_MAX_DIRECTIVES, GRAPHQL_MAX_TOKENS. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): LimitConfig {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
    return n;
  };
  return {
    maxDepth: read('GRAPHQL_MAX_DEPTH', DEFAULT_LIMITS.maxDepth),
    maxCost: read('GRAPHQL_MAX_COST', DEFAULT_LIMITS.maxCost),
    maxAliases: read('GRAPHQL_MAX_ALIASES', DEFAULT_LIMITS.maxAliases),
    maxDirectives: read('GRAPHQL_MAX_DIRECTIVES', DEFAULT_LIMITS.maxDirectives),
    maxTokens: read('GRAPHQL_MAX_TOKENS', DEFAULT_LIMITS.maxTokens),
  };
}

// armor prefixes its messages with "Syntax Error:" although these are validation errors.
const reject = (ctx: ValidationContext | null, error: GraphQLError): void => {
  ctx?.reportError(new GraphQLError(error.message.replace(/^Syntax Error:\s*/, ''), { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
};
const armor = () => ({ propagateOnRejection: false, onReject: [reject], exposeLimits: true });

/** The armor rules, to add to graphql-js's specified rules. */
export function limitRules(limits: LimitConfig): ValidationRule[] {
  return [
    maxDepthRule({ ...armor(), n: limits.maxDepth, flattenFragments: true }),
    costLimitRule({ ...armor(), maxCost: limits.maxCost, flattenFragments: true }),
    maxAliasesRule({ ...armor(), n: limits.maxAliases }),
    maxDirectivesRule({ ...armor(), n: limits.maxDirectives }),
  ] as ValidationRule[];
}

export function parseOptions(limits: LimitConfig): ParseOptions {
  return { maxLexicalTokens: limits.maxTokens };
}

/** Everything the WebSocket path validates with: graphql-js's rules, the limits, and no introspection in production. */
export function allValidationRules(limits: LimitConfig, production: boolean): ValidationRule[] {
  return [...specifiedRules, ...limitRules(limits), ...(production ? [NoSchemaIntrospectionCustomRule] : [])];
}

/** Parses with the token limit; a failure is a GRAPHQL_PARSE_FAILED error, as Apollo reports it over HTTP. */
export function parseWithLimits(source: string, limits: LimitConfig): DocumentNode | GraphQLError {
  try {
    return parse(source, parseOptions(limits));
  } catch (error) {
    const message = error instanceof Error ? error.message : 'Syntax Error';
    return new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  }
}
