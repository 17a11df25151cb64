import { IconWand, IconChartBar, IconBuildingStore, IconCoins, IconDna2, IconPencilBolt, IconPhoto, IconRoute, IconStack2, IconCpu, IconSettings, IconSend, IconAddressBook } from '@tabler/icons-react';
import { IconCalendarEvent, IconChecklist } from '@tabler/icons-react';
import { IconBinoculars, IconRecycle } from '@tabler/icons-react';
import type { Icon } from '@tabler/icons-react';
import type { Viewer } from '../auth/auth.graphql.ts';

export type NavKey = 'brand' | 'onboarding' | 'prompts' | 'studio' | 'calendar' | 'approvals' | 'competitors' | 'evergreen' | 'media' | 'pipeline' | 'publications' | 'contacts' | 'credits' | 'clientCredits' | 'tenants' | 'aiAdmin' | 'settings';

export interface NavEntry {
  key: NavKey;
  path: string;
  icon: Icon;
  /** Shown only when the viewer may use the page. */
  allowed(viewer: Viewer): boolean;
}

const has = (viewer: Viewer, permission: string) => viewer.permissions.includes(permission);
// Brand, content, pipelines and AI credits belong to a client's workspace; distributors and
// the platform reach a client's through it (workspace:enter), not from their own tenant.
const client = (viewer: Viewer) => viewer.tenant.kind === 'CLIENT';

export const NAVIGATION: NavEntry[] = [
  { key: 'brand', path: '/brand', icon: IconDna2, allowed: (v) => client(v) && has(v, 'brand:read') },
  // T8: the guided onboarding proposes the DNA; only those who may write the DNA run it.
  { key: 'onboarding', path: '/onboarding', icon: IconWand, allowed: (v) => client(v) && has(v, 'brand:write') },
  // The studio creates drafts as soon as it opens: reading alone is not enough.
  { key: 'studio', path: '/studio', icon: IconPencilBolt, allowed: (v) => client(v) && has(v, 'content:write') },
  { key: 'calendar', path: '/calendar', icon: IconCalendarEvent, allowed: (v) => client(v) && has(v, 'content:read') },
  { key: 'approvals', path: '/approvals', icon: IconChecklist, allowed: (v) => client(v) && has(v, 'content:read') },
  { key: 'media', path: '/media', icon: IconPhoto, allowed: (v) => client(v) && has(v, 'content:read') },
  { key: 'pipeline', path: '/pipeline', icon: IconRoute, allowed: (v) => client(v) && has(v, 'pipeline:read') },
  // C8: what went out where, attempt by attempt; contact lists with consent.
  { key: 'publications', path: '/publications', icon: IconSend, allowed: (v) => client(v) && has(v, 'content:read') },
  { key: 'contacts', path: '/contacts', icon: IconAddressBook, allowed: (v) => client(v) && has(v, 'content:read') },
  // C11 / C13: competitor watch with its alerts, and evergreen recycling.
  { key: 'competitors', path: '/competitors', icon: IconBinoculars, allowed: (v) => client(v) && has(v, 'content:read') },
  { key: 'evergreen', path: '/evergreen', icon: IconRecycle, allowed: (v) => client(v) && has(v, 'content:read') },
  { key: 'credits', path: '/credits', icon: IconCoins, allowed: (v) => client(v) && has(v, 'billing:read') },
  // Portfolios belong to distributors and the platform; a client's "subtree" is itself.
  { key: 'tenants', path: '/tenants', icon: IconBuildingStore, allowed: (v) => has(v, 'tenants:read') && v.tenant.kind !== 'CLIENT' },
  // A distributor (or the platform) follows its clients' credits; support agents have no billing:read.
  { key: 'clientCredits', path: '/client-credits', icon: IconChartBar, allowed: (v) => !client(v) && has(v, 'billing:read') },
  // AI providers, models, routes and usage: the platform's super admin only.
  { key: 'aiAdmin', path: '/admin/ai', icon: IconCpu, allowed: (v) => v.tenant.kind === 'PLATFORM' && has(v, 'ai:admin') },
  // A client's own choices (its AI model among its plan's).
  { key: 'settings', path: '/settings', icon: IconSettings, allowed: (v) => client(v) && has(v, 'billing:read') },
  // Every level has prompt layers (platform, distributors, clients); last, so it is nobody's home page.
  { key: 'prompts', path: '/prompts', icon: IconStack2, allowed: (v) => has(v, 'brand:read') },
];

export function allowedNavigation(viewer: Viewer): NavEntry[] {
  return NAVIGATION.filter((entry) => entry.allowed(viewer));
}
