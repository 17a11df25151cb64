// One data source per subgraph: forwards the caller's verified identity as a
// gateway-signed token, and turns transport failures into stable, masked
// errors (no URL, no socket error text): SUBGRAPH_TIMEOUT or SUBGRAPH_UNAVAILABLE.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { ANONYMOUS, GATEWAY_IDENTITY_HEADER, type Identity } from '@ensemble/tenancy/identity';
import type { InternalTokens } from './internal-token.ts';
import { subgraphTimedOut, subgraphUnavailable } from './errors.ts';
import { logger } from './logger.ts';

export interface GatewayContext {
  identity: Identity;
}

export interface IdentityDataSourceOptions {
  name: string;
  url: string;
  fetcher: Fetcher;
  tokens: InternalTokens;
}

export class IdentityDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly #name: string;
  readonly #tokens: InternalTokens;

  constructor(options: IdentityDataSourceOptions) {
    super({ url: options.url, fetcher: options.fetcher });
    this.#name = options.name;
    this.#tokens = options.tokens;
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const identity = (options.context as Partial<GatewayContext> | undefined)?.identity ?? ANONYMOUS;
    options.request.http?.headers.set(GATEWAY_IDENTITY_HEADER, await this.#tokens.tokenFor(identity));
  }

  override didEncounterError(error: Error): void {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') {
      logger.warn({ subgraph: this.#name }, 'subgraph timed out');
      throw subgraphTimedOut(this.#name);
    }
    const status = error instanceof GraphQLError ? (error.extensions['response'] as { status?: number } | undefined)?.status : undefined;
    const cause = (error.cause as { code?: unknown } | undefined)?.code;
    logger.error({ subgraph: this.#name, url: this.url, status, reason: error.message, cause }, 'subgraph request failed');
    throw subgraphUnavailable(this.#name);
  }
}
