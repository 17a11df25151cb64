import { describe, expect, it } from 'vitest';
import { endpointsFromEnv } from '../endpoints.ts';

describe('provider endpoints from the environment', () => {
  it('uses the real services when a setting is unset or empty (compose passes empty values)', () => {
    const empty = Object.fromEntries(['META_GRAPH_URL', 'META_GRAPH_VERSION', 'LINKEDIN_API_URL', 'LINKEDIN_VERSION', 'GOOGLE_BUSINESS_API_URL', 'TWILIO_API_URL',
      'OAUTH_TOKEN_URL_META_PAGES', 'SMTP_URL', 'SMTP_FROM', 'PUBLIC_WEB_URL', 'MEDIA_PUBLIC_BASE_URL'].map((name) => [name, ' ']));
    expect(endpointsFromEnv(empty)).toEqual(endpointsFromEnv({}));
    expect(endpointsFromEnv({})).toMatchObject({
      metaGraph: 'https://graph.facebook.com', linkedin: 'https://api.linkedin.com', twilio: 'https://api.twilio.com',
      tokenUrls: {}, smtpUrl: null, smtpFrom: 'Ensemble <newsletter@ensemble.localhost>', publicWebUrl: 'http://localhost:5173', mediaBaseUrl: null,
    });
  });

  it('takes every value that is set', () => {
    const endpoints = endpointsFromEnv({
      META_GRAPH_URL: 'http://fake/meta', OAUTH_TOKEN_URL_LINKEDIN: 'http://fake/token', SMTP_FROM: 'A <a@b.c>',
      PUBLIC_WEB_URL: 'https://app.example.com/', MEDIA_PUBLIC_BASE_URL: 'https://app.example.com/',
    });
    expect(endpoints).toMatchObject({
      metaGraph: 'http://fake/meta', tokenUrls: { linkedin: 'http://fake/token' }, smtpFrom: 'A <a@b.c>',
      publicWebUrl: 'https://app.example.com', mediaBaseUrl: 'https://app.example.com',
    });
  });
});
