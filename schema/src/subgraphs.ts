// The four subgraphs of the supergraph: name (the join__graph name), the
// directory holding their code and committed SDL, and the URL the gateway
// uses by default. The committed supergraph carries these default URLs; the
// gateway overrides them at run time from SUBGRAPH_<NAME>_URL.
import { fileURLToPath } from 'node:url';

export const SUBGRAPH_NAMES = ['tenants', 'content', 'analytics', 'billing'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const DEFAULT_SUBGRAPH_URLS: Record<SubgraphName, string> = {
  tenants: 'http://127.0.0.1:4001/graphql',
  content: 'http://127.0.0.1:4002/graphql',
  analytics: 'http://127.0.0.1:4003/graphql',
  billing: 'http://127.0.0.1:4004/graphql',
};

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SUPERGRAPH_PATH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

export function subgraphDir(name: SubgraphName): string {
  return fileURLToPath(new URL(`../../subgraphs/${name}/`, import.meta.url));
}

export function subgraphSchemaPath(name: SubgraphName): string {
  return `${subgraphDir(name)}schema.graphql`;
}

/** SUBGRAPH_TENANTS_URL, SUBGRAPH_CONTENT_URL, … each falling back to its default. */
export function subgraphUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<SubgraphName, string> {
  const urls = { ...DEFAULT_SUBGRAPH_URLS };
  for (const name of SUBGRAPH_NAMES) {
    const value = env[`SUBGRAPH_${name.toUpperCase()}_URL`];
    if (value) urls[name] = value;
  }
  return urls;
}
