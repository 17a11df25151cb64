// Every HTTP provider fake on one loopback server, each under its own path
// prefix, with the environment that points the product's connectors at them
// (META_GRAPH_URL, LINKEDIN_API_URL, GOOGLE_BUSINESS_API_URL, TWILIO_API_URL,
// OAUTH_TOKEN_URL_*). Switching to the real providers is dropping that env.
import { startHttpFake, type HttpFake } from './http-fake.ts';
import { createTokenStore, registerTokenEndpoint, type OauthClientCredentials } from './oauth-fake.ts';
import { registerGoogleBusiness, registerLinkedin, registerMeta, type GoogleBusinessFake, type LinkedinFake, type MetaFake } from './social-fakes.ts';
import { registerTwilio, type TwilioFake } from './twilio-fake.ts';
import { registerWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

export const META_VERSION = 'v21.0';

export interface FakeProviders {
  http: HttpFake;
  tokens: ReturnType<typeof createTokenStore>;
  clients: Record<'meta' | 'linkedin' | 'google', OauthClientCredentials>;
  meta: MetaFake;
  linkedin: LinkedinFake;
  googleBusiness: GoogleBusinessFake;
  twilio: TwilioFake;
  webhook: WebhookReceiver & { url: string; secret: string };
  /** the environment variables that send the connectors here */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startFakeProviders(options: { port?: number; webhookSecret?: string } = {}): Promise<FakeProviders> {
  const http = await startHttpFake({ port: options.port });
  const tokens = createTokenStore();
  const clients = {
    meta: { clientId: 'meta-app-id', clientSecret: 'meta-app-secret' },
    linkedin: { clientId: 'linkedin-client-id', clientSecret: 'linkedin-client-secret' },
    google: { clientId: 'google-client-id.apps.googleusercontent.com', clientSecret: 'google-client-secret' },
  };
  registerTokenEndpoint(http, tokens, 'meta', `/meta/${META_VERSION}/oauth`, clients.meta);
  registerTokenEndpoint(http, tokens, 'linkedin', '/linkedin/oauth/v2', clients.linkedin);
  registerTokenEndpoint(http, tokens, 'google', '/google/oauth2', clients.google);
  const meta = registerMeta(http, tokens, '/meta', META_VERSION);
  const linkedin = registerLinkedin(http, tokens, '/linkedin');
  const googleBusiness = registerGoogleBusiness(http, tokens, '/gbp');
  const twilio = registerTwilio(http, '/twilio', { accountSid: `AC${'0'.repeat(24)}1234abcd`, authToken: 'twilio-auth-token-0123456789abcdef' });
  const secret = options.webhookSecret ?? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const receiver = registerWebhookReceiver(http, '/hooks/cms', secret);
  return {
    http,
    tokens,
    clients,
    meta,
    linkedin,
    googleBusiness,
    twilio,
    webhook: Object.assign(receiver, { url: `${http.url}/hooks/cms`, secret }),
    env: {
      META_GRAPH_URL: `${http.url}/meta`,
      META_GRAPH_VERSION: META_VERSION,
      LINKEDIN_API_URL: `${http.url}/linkedin`,
      GOOGLE_BUSINESS_API_URL: `${http.url}/gbp`,
      TWILIO_API_URL: `${http.url}/twilio`,
      OAUTH_TOKEN_URL_META_PAGES: `${http.url}/meta/${META_VERSION}/oauth/access_token`,
      OAUTH_TOKEN_URL_LINKEDIN: `${http.url}/linkedin/oauth/v2/token`,
      OAUTH_TOKEN_URL_GOOGLE_BUSINESS: `${http.url}/google/oauth2/token`,
    },
    close: () => http.close(),
  };
}
