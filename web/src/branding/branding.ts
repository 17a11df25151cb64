// The look of the app: name, logo and colours. Ensemble's own by default; a
// distributor's white label (T5) will be resolved from the request host and
// merged over these defaults, field by field.

export interface Branding {
  name: string;
  /** Short line under the name on the sign-in page; one per language. */
  tagline: { en: string; fr: string };
  /** Image URL of the logo; the drawn Ensemble mark when null. */
  logoUrl: string | null;
  /** Hex colours: primary drives buttons, links and charts; accent the second series. */
  primaryColor: string;
  accentColor: string;
}

export const DEFAULT_BRANDING: Branding = {
  name: 'Ensemble',
  tagline: {
    en: 'Your marketing month, orchestrated.',
    fr: 'Votre mois de marketing, orchestré.',
  },
  logoUrl: null,
  primaryColor: '#4c4fd9',
  accentColor: '#f2a33a',
};

export type BrandingOverrides = Record<string, Partial<Branding>>;

/** The branding for a host: its white-label overrides (matched without port, case-insensitively) over the defaults. */
export function resolveBranding(host: string, overrides: BrandingOverrides = {}): Branding {
  const hostname = host.toLowerCase().replace(/:\d+$/, '');
  const own = overrides[hostname] ?? {};
  const merged: Branding = { ...DEFAULT_BRANDING };
  for (const [key, value] of Object.entries(own) as Array<[keyof Branding, Branding[keyof Branding] | undefined]>) {
    if (value !== undefined && value !== null && value !== '') (merged as unknown as Record<string, unknown>)[key] = value;
  }
  return merged;
}
