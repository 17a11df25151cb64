// Where each provider is reached. The defaults are the real services; tests
// and the offline demo point them at local servers speaking the same wire
// formats (packages/testing/src/fake-providers). Configuration only: no code
// changes between a fake and the real provider.
import { mediaPublicBase } from '../media/media-url.ts';
import type { ConnectorCode } from './connector.ts';

export interface ProviderEndpoints {
  /** Meta Graph API origin (https://graph.facebook.com) and version (v21.0) */
  metaGraph: string;
  metaGraphVersion: string;
  /** LinkedIn REST API origin and the LinkedIn-Version header (YYYYMM) */
  linkedin: string;
  linkedinVersion: string;
  /** Google Business Profile API (localPosts live on the v4 My Business API) */
  googleBusiness: string;
  /** Twilio REST API origin */
  twilio: string;
  /** OAuth token endpoints overriding the connector catalogue's (tests) */
  tokenUrls: Partial<Record<ConnectorCode, string>>;
  /** the platform's SMTP relay (clients without their own SMTP server send through it) */
  smtpUrl: string | null;
  /** sender of the platform relay when a channel names none */
  smtpFrom: string;
  /** the web app's public origin: one-click unsubscribe links point there */
  publicWebUrl: string;
  /** MEDIA_PUBLIC_BASE_URL: public origin of signed media URLs (Instagram needs a public image URL; pages and e-mails embed media) */
  mediaBaseUrl: string | null;
}

export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): ProviderEndpoints {
  // Empty counts as unset: docker-compose.yml passes every setting, most of them empty.
  const setting = (value: string | undefined): string | undefined => value?.trim() || undefined;
  const tokenUrls: Partial<Record<ConnectorCode, string>> = {};
  for (const code of ['meta_pages', 'linkedin', 'google_business'] as const) {
    const value = setting(env[`OAUTH_TOKEN_URL_${code.toUpperCase()}`]);
    if (value) tokenUrls[code] = value;
  }
  return {
    metaGraph: setting(env['META_GRAPH_URL']) ?? 'https://graph.facebook.com',
    metaGraphVersion: setting(env['META_GRAPH_VERSION']) ?? 'v21.0',
    linkedin: setting(env['LINKEDIN_API_URL']) ?? 'https://api.linkedin.com',
    linkedinVersion: setting(env['LINKEDIN_VERSION']) ?? '202505',
    googleBusiness: setting(env['GOOGLE_BUSINESS_API_URL']) ?? 'https://mybusiness.googleapis.com',
    twilio: setting(env['TWILIO_API_URL']) ?? 'https://api.twilio.com',
    tokenUrls,
    smtpUrl: setting(env['SMTP_URL']) ?? null,
    smtpFrom: setting(env['SMTP_FROM']) ?? 'Ensemble <newsletter@ensemble.localhost>',
    publicWebUrl: (setting(env['PUBLIC_WEB_URL']) ?? 'http://localhost:5173').replace(/\/+$/, ''),
    mediaBaseUrl: mediaPublicBase(env),
  };
}
