import { createContext, useContext } from 'react';
import { DEFAULT_BRANDING } from './branding.ts';
import type { Branding } from './branding.ts';

export const BrandingContext = createContext<Branding>(DEFAULT_BRANDING);

export function useBranding(): Branding {
  return useContext(BrandingContext);
}
