// The demo world: the platform, a "Direct" distributor, Atlas Agency with its
// sub-distributor Atlas Maroc, three clients (a Paris bakery, a Dublin fitness
// studio, a Marrakech riad), roles, one user of every role, plans, the AI
// catalogue, prompt layers, brand DNA, subscriptions, credits and some history.
// Idempotent: fixed ids and `on conflict do nothing`, so seeding twice changes
// nothing. Runs through an admin connection as the owner role (past RLS).
import { createHash } from 'node:crypto';
import pg from 'pg';
import { PERMISSIONS, type Permission } from '@ensemble/tenancy/permissions';
import { hashPassword } from '@ensemble/tenancy/password';
import { OWNER_ROLE } from './connection.ts';
import { CONNECTORS, CREDIT_RATES, MODELS, PLANS, PROVIDERS, ROUTES, TOPUP_PACKS, type PlanCode } from './seed/catalogue.ts';
import { BAKERY_DNA, FITNESS_DNA, RIAD_DNA, onboardingProvenance, type BrandDnaDocument } from './seed/demo-brands.ts';
import { bakeryEngagementHistory } from './seed/demo-engagement.ts';
import { ATLAS_AGENCY_LAYER, ATLAS_MAROC_LAYER, CLIENT_LAYERS, PLATFORM_LAYER } from './seed/demo-prompts.ts';

/** A fixed demo id (UUIDv7 layout, so it sorts like the app's ids). */
function fixed(n: number): string {
  return `0190f5e0-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A stable id derived from a name, for rows too numerous to list (events, entries…). */
export function derivedId(name: string): string {
  const h = createHash('sha256').update(`ensemble-seed:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const TENANTS = {
  platform: fixed(0x01),
  direct: fixed(0x02),
  atlasAgency: fixed(0x03),
  atlasMaroc: fixed(0x04),
  bakery: fixed(0x05),
  fitness: fixed(0x06),
  riad: fixed(0x07),
} as const;

const ROLES = {
  superAdmin: fixed(0x11),
  supportAgent: fixed(0x12),
  distributorAdmin: fixed(0x13),
  distributorMember: fixed(0x14),
  clientAdmin: fixed(0x15),
  clientEditor: fixed(0x16),
  clientViewer: fixed(0x17),
} as const;

type RoleKey = keyof typeof ROLES;
type ClientKey = 'bakery' | 'fitness' | 'riad';

interface Login { id: string; email: string; displayName: string; tenantId: string; role: string; locale: 'en' | 'fr' }

function login(n: number, email: string, displayName: string, tenant: keyof typeof TENANTS, role: RoleKey, locale: 'en' | 'fr'): Login {
  return { id: fixed(n), email, displayName, tenantId: TENANTS[tenant], role: ROLE_DEFS[role].name, locale };
}

const ALL = [...PERMISSIONS] as Permission[];
const ROLE_DEFS: Record<RoleKey, { name: string; appliesTo: 'platform' | 'distributor' | 'client'; description: string; permissions: Permission[] }> = {
  superAdmin: {
    name: 'super_admin', appliesTo: 'platform', description: 'Everything on the platform: providers, models, routing, plans, connectors, webhooks, GDPR.',
    permissions: ALL,
  },
  supportAgent: {
    name: 'support_agent', appliesTo: 'platform', description: 'Enters client workspaces to help; never sees billing.',
    permissions: ['tenants:read', 'workspace:enter', 'brand:read', 'content:read', 'pipeline:read', 'analytics:read'],
  },
  distributorAdmin: {
    name: 'distributor_admin', appliesTo: 'distributor', description: 'Runs a distributor: clients, users, white label, prices and billing.',
    permissions: ['tenants:read', 'tenants:manage', 'users:manage', 'api_keys:manage', 'brand:read', 'brand:write', 'content:read', 'content:write', 'content:publish', 'pipeline:read', 'pipeline:run', 'analytics:read', 'billing:read', 'billing:manage', 'workspace:enter'],
  },
  distributorMember: {
    name: 'distributor_member', appliesTo: 'distributor', description: 'Works in the clients of a distributor; no users, no billing.',
    permissions: ['tenants:read', 'brand:read', 'brand:write', 'content:read', 'content:write', 'content:publish', 'pipeline:read', 'pipeline:run', 'analytics:read', 'workspace:enter'],
  },
  clientAdmin: {
    name: 'client_admin', appliesTo: 'client', description: 'Runs a client workspace, its users, API keys and subscription.',
    permissions: ['tenants:read', 'users:manage', 'api_keys:manage', 'brand:read', 'brand:write', 'content:read', 'content:write', 'content:publish', 'pipeline:read', 'pipeline:run', 'analytics:read', 'analytics:write', 'billing:read', 'billing:manage'],
  },
  clientEditor: {
    name: 'client_editor', appliesTo: 'client', description: 'Creates and edits content and brand DNA; cannot publish.',
    permissions: ['tenants:read', 'brand:read', 'brand:write', 'content:read', 'content:write', 'pipeline:read', 'analytics:read'],
  },
  clientViewer: {
    name: 'client_viewer', appliesTo: 'client', description: 'Reads everything of the workspace except billing.',
    permissions: ['tenants:read', 'brand:read', 'content:read', 'pipeline:read', 'analytics:read'],
  },
};

const PLAN_IDS: Record<PlanCode, string> = {
  starter: fixed(0x31), growth: fixed(0x32), scale: fixed(0x33), 'atlas-pro': fixed(0x34), 'riad-saison': fixed(0x35),
};

const LOGINS = {
  superAdmin: login(0x21, 'admin@ensemble.test', 'Sofia Admin', 'platform', 'superAdmin', 'en'),
  supportAgent: login(0x22, 'support@ensemble.test', 'Sam Support', 'platform', 'supportAgent', 'en'),
  distributorAdmin: login(0x23, 'admin@atlas-agency.test', 'Hélène Garnier', 'atlasAgency', 'distributorAdmin', 'fr'),
  distributorMember: login(0x24, 'member@atlas-agency.test', 'Louis Bernard', 'atlasAgency', 'distributorMember', 'fr'),
  subDistributorAdmin: login(0x25, 'admin@atlas-maroc.test', 'Youssef Benali', 'atlasMaroc', 'distributorAdmin', 'fr'),
  clientAdmin: login(0x26, 'client.admin@bakery.test', 'Claire Moreau', 'bakery', 'clientAdmin', 'fr'),
  clientEditor: login(0x27, 'client.editor@bakery.test', 'Julien Moreau', 'bakery', 'clientEditor', 'fr'),
  clientViewer: login(0x28, 'client.viewer@bakery.test', 'Inès Petit', 'bakery', 'clientViewer', 'fr'),
  fitnessAdmin: login(0x29, 'client.admin@fitness.test', 'Aoife Byrne', 'fitness', 'clientAdmin', 'en'),
  riadAdmin: login(0x2a, 'client.admin@riad.test', 'Nadia El Amrani', 'riad', 'clientAdmin', 'fr'),
};

const PROVIDER_IDS = Object.fromEntries(PROVIDERS.map((p, i) => [p.code, fixed(0x41 + i)])) as Record<string, string>;
const MODEL_IDS = Object.fromEntries(MODELS.map((m, i) => [m.code, fixed(0x51 + i)])) as Record<string, string>;

const DNA_SNAPSHOTS: Record<ClientKey, string> = { bakery: fixed(0x71), fitness: fixed(0x72), riad: fixed(0x73) };

/** Fixed ids and logins of the demo world (password for every login: DEMO.password). */
export const DEMO = {
  password: 'ensemble-demo',
  tenants: TENANTS,
  roles: ROLES,
  roleNames: Object.fromEntries(Object.entries(ROLE_DEFS).map(([k, v]) => [k, v.name])) as Record<RoleKey, string>,
  logins: LOGINS,
  plans: PLAN_IDS,
  providers: PROVIDER_IDS,
  models: MODEL_IDS,
  dnaSnapshots: DNA_SNAPSHOTS,
  domains: { atlasAgency: 'marketing.atlas-agency.test', atlasMaroc: 'app.atlas-maroc.test' },
} as const;

export interface SeedSummary {
  /** rows inserted per table by this run (0 everywhere on a second run, except recomputed rollups) */
  inserted: Record<string, number>;
  total: number;
}

const json = (value: unknown): string => JSON.stringify(value);
const quoteIdent = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) && name !== 'user' ? name : `"${name.replace(/"/g, '""')}"`);

type Row = Record<string, unknown>;

class Writer {
  readonly inserted: Record<string, number> = {};
  private readonly client: pg.Client;
  constructor(client: pg.Client) {
    this.client = client;
  }

  async insert(table: string, rows: Row[], conflict = 'on conflict do nothing'): Promise<number> {
    let count = 0;
    // Chunks keep the parameter count well under PostgreSQL's 65 535.
    for (let start = 0; start < rows.length; start += 500) {
      const chunk = rows.slice(start, start + 500);
      // Rows may name different columns; one a row leaves out takes its default.
      const columns = [...new Set(chunk.flatMap((row) => Object.keys(row)))];
      const params: unknown[] = [];
      const tuples = chunk.map((row) => `(${columns.map((c) => {
        if (!(c in row)) return 'default';
        params.push(row[c]);
        return `$${params.length}`;
      }).join(', ')})`);
      const [schema, name] = table.split('.') as [string, string];
      const result = await this.client.query(
        `insert into ${schema}.${quoteIdent(name)} (${columns.map(quoteIdent).join(', ')}) values ${tuples.join(', ')} ${conflict}`, params);
      count += result.rowCount ?? 0;
    }
    this.inserted[table] = (this.inserted[table] ?? 0) + count;
    return count;
  }

  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query<T>(sql, params)).rows;
  }
}

export async function seed(adminUrl: string): Promise<SeedSummary> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const w = new Writer(client);
  try {
    await client.query(`set role ${OWNER_ROLE}`);
    await client.query('begin');
    const now = new Date();
    await seedTenants(w);
    await seedIdentity(w);
    await seedCatalogue(w);
    await seedWhiteLabel(w);
    await seedPromptLayers(w);
    await seedBrands(w);
    await seedBilling(w, now);
    await seedContent(w);
    await seedEngagementHistory(w, now);
    await seedAnalytics(w, now);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
  const total = Object.values(w.inserted).reduce((a, b) => a + b, 0);
  return { inserted: w.inserted, total };
}

// --- T1 ----------------------------------------------------------------------
async function seedTenants(w: Writer): Promise<void> {
  const t = TENANTS;
  const rows: Array<[string, 'platform' | 'distributor' | 'client', string | null, string, string, string, string, string]> = [
    [t.platform, 'platform', null, 'Ensemble', 'ensemble', 'en', 'Europe/Paris', 'EUR'],
    [t.direct, 'distributor', t.platform, 'Ensemble Direct', 'direct', 'en', 'Europe/Paris', 'EUR'],
    [t.atlasAgency, 'distributor', t.platform, 'Atlas Agency', 'atlas-agency', 'fr', 'Europe/Paris', 'EUR'],
    [t.atlasMaroc, 'distributor', t.atlasAgency, 'Atlas Maroc', 'atlas-maroc', 'fr', 'Africa/Casablanca', 'MAD'],
    [t.bakery, 'client', t.direct, 'Maison Lumière', 'maison-lumiere', 'fr', 'Europe/Paris', 'EUR'],
    [t.fitness, 'client', t.atlasAgency, 'Forge & Flow Studio', 'forge-flow-studio', 'en', 'Europe/Dublin', 'EUR'],
    [t.riad, 'client', t.atlasMaroc, 'Riad Dar Yasmine', 'riad-dar-yasmine', 'fr', 'Africa/Casablanca', 'MAD'],
  ];
  const ancestry = new Map<string, string[]>();
  for (const [id, , parent] of rows) ancestry.set(id, [...(parent ? ancestry.get(parent)! : []), id]);
  await w.insert('tenants.tenant', rows.map(([id, kind, parentId, name, slug, locale, timeZone, currency]) => ({
    id, kind, parent_id: parentId, ancestry: ancestry.get(id), name, slug, locale, time_zone: timeZone, currency,
  })));
}

// --- T3/T4 -------------------------------------------------------------------
async function seedIdentity(w: Writer): Promise<void> {
  await w.insert('tenants.role', Object.entries(ROLE_DEFS).map(([key, r]) => ({
    id: ROLES[key as RoleKey], tenant_id: null, name: r.name, applies_to: r.appliesTo, description: r.description,
  })));
  await w.insert('tenants.role_permission', Object.entries(ROLE_DEFS).flatMap(([key, r]) =>
    r.permissions.map((permission) => ({ role_id: ROLES[key as RoleKey], permission }))));

  const logins = Object.values(LOGINS);
  // Hash only for users not there yet: scrypt is deliberately slow.
  const existing = new Set((await w.query<{ id: string }>('select id from tenants."user" where id = any($1)', [logins.map((l) => l.id)])).map((r) => r.id));
  const fresh = logins.filter((l) => !existing.has(l.id));
  const hashes = await Promise.all(fresh.map(() => hashPassword(DEMO.password)));
  if (fresh.length) {
    await w.insert('tenants.user', fresh.map((l, i) => ({
      id: l.id, email: l.email, password_hash: hashes[i], display_name: l.displayName, locale: l.locale,
    })));
  }
  const roleIdByName = new Map(Object.entries(ROLE_DEFS).map(([k, r]) => [r.name, ROLES[k as RoleKey]]));
  await w.insert('tenants.membership', logins.map((l) => ({
    id: derivedId(`membership:${l.id}`), tenant_id: l.tenantId, user_id: l.id, role_id: roleIdByName.get(l.role),
  })));
}

// --- T2/T10/T11/T12/B2 catalogue --------------------------------------------
async function seedCatalogue(w: Writer): Promise<void> {
  const visibleTo: Partial<Record<PlanCode, [string, string]>> = {
    'atlas-pro': ['distributor', TENANTS.atlasAgency],
    'riad-saison': ['client', TENANTS.riad],
  };
  await w.insert('tenants.plan', PLANS.map((p) => ({
    id: PLAN_IDS[p.code], code: p.code, name: p.name, description: p.description,
    visibility: visibleTo[p.code]?.[0] ?? 'public', visible_to_tenant_id: visibleTo[p.code]?.[1] ?? null,
    monthly_credits: p.monthlyCredits, limits: json(p.limits), features: json(p.features), trial_days: p.trialDays, position: p.position,
  })));
  await w.insert('tenants.plan_price', PLANS.flatMap((p) => Object.entries(p.monthly).flatMap(([currency, amount]) => [
    { plan_id: PLAN_IDS[p.code], currency, interval: 'month', amount_minor: amount },
    { plan_id: PLAN_IDS[p.code], currency, interval: 'year', amount_minor: amount * 10 },
  ])));
  await w.insert('tenants.plan_text', PLANS.flatMap((p) => Object.entries(p.texts).map(([locale, t]) => ({
    plan_id: PLAN_IDS[p.code], locale, name: t.name, description: t.description,
  }))));

  await w.insert('tenants.ai_provider', PROVIDERS.map((p) => ({
    id: PROVIDER_IDS[p.code], code: p.code, kind: p.kind, name: p.name, base_url: p.baseUrl,
  })));
  await w.insert('tenants.ai_model', MODELS.map((m) => ({
    id: MODEL_IDS[m.code], provider_id: PROVIDER_IDS[m.provider], code: m.code, name: m.name, tier: m.tier,
    input_price_per_mtok_minor: m.input, output_price_per_mtok_minor: m.output, currency: 'USD',
    context_tokens: m.context, capabilities: m.capabilities,
  })));
  await w.insert('tenants.ai_route', Object.entries(ROUTES).flatMap(([task, chain]) => chain.map((code, i) => ({
    id: derivedId(`route:${task}:${code}`), task, position: i + 1, model_id: MODEL_IDS[code],
  }))));
  await w.insert('tenants.plan_ai_model', PLANS.flatMap((p) => MODELS.filter((m) => p.modelTiers.includes(m.tier)).map((m) => ({
    plan_id: PLAN_IDS[p.code], model_id: MODEL_IDS[m.code],
  }))));

  await w.insert('tenants.connector', CONNECTORS.map((c) => ({
    id: derivedId(`connector:${c.code}`), code: c.code, kind: c.kind, name: c.name, auth: c.auth,
    oauth_scopes: c.scopes ?? [], oauth_authorize_url: c.authorize ?? null, oauth_token_url: c.token ?? null,
  })));

  await w.insert('billing.credit_rate', CREDIT_RATES.map((r) => ({
    id: derivedId(`credit-rate:${r.task}:${r.tier}:${r.unit}`), task: r.task, tier: r.tier, unit: r.unit, credits: r.credits,
  })));
  await w.insert('billing.topup_pack', TOPUP_PACKS.map((p, i) => ({ id: derivedId(`topup:${p.code}`), code: p.code, credits: p.credits, position: i + 1 })));
  await w.insert('billing.topup_pack_price', TOPUP_PACKS.flatMap((p) => Object.entries(p.prices).map(([currency, amount]) => ({
    pack_id: derivedId(`topup:${p.code}`), currency, amount_minor: amount,
  }))));

  // T14/B4: platform-wide documents and retention rules.
  const docs = [
    { kind: 'terms', locale: 'en', title: 'Terms of service', body: 'These terms govern the use of Ensemble by businesses and their distributors…' },
    { kind: 'terms', locale: 'fr', title: 'Conditions générales d’utilisation', body: 'Les présentes conditions régissent l’utilisation d’Ensemble par les entreprises et leurs distributeurs…' },
    { kind: 'privacy', locale: 'en', title: 'Privacy policy', body: 'Ensemble processes personal data on behalf of its clients as a processor…' },
    { kind: 'privacy', locale: 'fr', title: 'Politique de confidentialité', body: 'Ensemble traite des données personnelles pour le compte de ses clients en tant que sous-traitant…' },
    { kind: 'dpa', locale: 'en', title: 'Data processing agreement', body: 'This agreement sets out the processing of personal data under Article 28 GDPR…' },
    { kind: 'dpa', locale: 'fr', title: 'Accord de traitement des données', body: 'Le présent accord encadre le traitement de données personnelles au titre de l’article 28 du RGPD…' },
  ];
  await w.insert('tenants.legal_document', docs.map((d) => ({
    id: derivedId(`legal:${d.kind}:${d.locale}:1`), publisher_tenant_id: TENANTS.platform, kind: d.kind, locale: d.locale, version: 1,
    title: d.title, body: d.body, sha256: createHash('sha256').update(d.body).digest('hex'), published_at: '2026-01-01T00:00:00Z',
  })));
  const acceptances = [LOGINS.clientAdmin, LOGINS.fitnessAdmin, LOGINS.riadAdmin].flatMap((l) => ['terms', 'privacy', 'dpa'].map((kind) => ({
    id: derivedId(`acceptance:${l.id}:${kind}`), tenant_id: l.tenantId, document_id: derivedId(`legal:${kind}:${l.locale}:1`), user_id: l.id,
  })));
  await w.insert('tenants.legal_acceptance', acceptances);
  await w.insert('tenants.retention_rule', [
    ['analytics.event', 760, 'delete'], ['tenants.audit_log', 1095, 'delete'], ['content.message_send', 730, 'anonymise'],
    ['tenants.session', 90, 'delete'], ['content.contact', 1095, 'anonymise'],
  ].map(([dataClass, days, action]) => ({
    id: derivedId(`retention:${dataClass}`), tenant_id: TENANTS.platform, data_class: dataClass, retention_days: days, action,
  })));
}

// --- T5 ----------------------------------------------------------------------
async function seedWhiteLabel(w: Writer): Promise<void> {
  await w.insert('tenants.white_label', [
    { tenant_id: TENANTS.platform, brand_name: 'Ensemble', primary_color: '#1f2937', secondary_color: '#f59e0b', accent_color: '#2563eb', sender_name: 'Ensemble', sender_email: 'hello@ensemble.test', support_email: 'support@ensemble.test', default_locale: 'en' },
    { tenant_id: TENANTS.atlasAgency, brand_name: 'Atlas Agency', logo_url: '/branding/atlas-agency.svg', primary_color: '#0f3d5e', secondary_color: '#e8b04b', accent_color: '#c2410c', sender_name: 'Atlas Agency', sender_email: 'studio@atlas-agency.test', support_email: 'aide@atlas-agency.test', default_locale: 'fr' },
    { tenant_id: TENANTS.atlasMaroc, brand_name: 'Atlas Maroc', logo_url: '/branding/atlas-maroc.svg', primary_color: '#7c2d12', secondary_color: '#0e7490', accent_color: '#ca8a04', sender_name: 'Atlas Maroc', sender_email: 'contact@atlas-maroc.test', support_email: 'support@atlas-maroc.test', default_locale: 'fr' },
  ]);
  await w.insert('tenants.white_label_text', [
    { tenant_id: TENANTS.platform, locale: 'en', tagline: 'Your marketing, orchestrated.', legal_footer: 'Ensemble SAS — Paris, France.' },
    { tenant_id: TENANTS.platform, locale: 'fr', tagline: 'Votre marketing, orchestré.', legal_footer: 'Ensemble SAS — Paris, France.' },
    { tenant_id: TENANTS.atlasAgency, locale: 'fr', tagline: 'Le marketing des commerces de quartier.', legal_footer: 'Atlas Agency SARL — 12 rue de la Roquette, 75011 Paris — RCS Paris 901 234 567.' },
    { tenant_id: TENANTS.atlasAgency, locale: 'en', tagline: 'Marketing for neighbourhood businesses.', legal_footer: 'Atlas Agency SARL — 12 rue de la Roquette, 75011 Paris, France.' },
    { tenant_id: TENANTS.atlasMaroc, locale: 'fr', tagline: 'Votre visibilité, de Marrakech à Tanger.', legal_footer: 'Atlas Maroc SARL — Guéliz, Marrakech — RC 123456.' },
  ]);
  await w.insert('tenants.custom_domain', [
    { id: derivedId('domain:atlas-agency'), tenant_id: TENANTS.atlasAgency, hostname: DEMO.domains.atlasAgency, verification_token: 'ensemble-verify=3f9c1a7e5b2d4c6a', status: 'verified', verified_at: '2026-02-03T10:00:00Z', tls_status: 'issued', tls_expires_at: '2027-02-03T10:00:00Z', last_checked_at: '2026-02-03T10:00:00Z' },
    { id: derivedId('domain:atlas-maroc'), tenant_id: TENANTS.atlasMaroc, hostname: DEMO.domains.atlasMaroc, verification_token: 'ensemble-verify=8b7e2f0c1d9a3e54', status: 'pending', tls_status: 'pending' },
  ]);
  await w.insert('tenants.ui_string', [
    { tenant_id: TENANTS.atlasAgency, locale: 'fr', key: 'login.title', value: 'Bienvenue chez Atlas Agency' },
    { tenant_id: TENANTS.atlasAgency, locale: 'en', key: 'login.title', value: 'Welcome to Atlas Agency' },
    { tenant_id: TENANTS.atlasMaroc, locale: 'fr', key: 'login.title', value: 'Bienvenue chez Atlas Maroc' },
  ]);
}

// --- T7 ----------------------------------------------------------------------
async function seedPromptLayers(w: Writer): Promise<void> {
  const rows: Row[] = [];
  const add = (tenant: keyof typeof TENANTS, level: string, documents: Partial<Record<string, Record<string, unknown>>>) => {
    for (const [locale, document] of Object.entries(documents)) {
      if (!document) continue;
      rows.push({ id: derivedId(`prompt:${tenant}:${locale}:1`), tenant_id: TENANTS[tenant], level, locale, version: 1, document: json(document), note: 'Demo layer' });
    }
  };
  add('platform', 'platform', PLATFORM_LAYER);
  add('atlasAgency', 'distributor', ATLAS_AGENCY_LAYER);
  add('atlasMaroc', 'distributor', ATLAS_MAROC_LAYER);
  add('bakery', 'client', CLIENT_LAYERS.bakery);
  add('fitness', 'client', CLIENT_LAYERS.fitness);
  add('riad', 'client', CLIENT_LAYERS.riad);
  await w.insert('tenants.prompt_layer', rows);
}

// --- T6/T8 -------------------------------------------------------------------
const BRANDS: Record<ClientKey, { dna: BrandDnaDocument; website: string; pdf?: string; admin: Login }> = {
  bakery: { dna: BAKERY_DNA, website: 'https://maison-lumiere.example', pdf: 'plaquette-maison-lumiere.pdf', admin: LOGINS.clientAdmin },
  fitness: { dna: FITNESS_DNA, website: 'https://forgeandflow.example', admin: LOGINS.fitnessAdmin },
  riad: { dna: RIAD_DNA, website: 'https://dar-yasmine.example', pdf: 'brochure-dar-yasmine.pdf', admin: LOGINS.riadAdmin },
};

async function seedBrands(w: Writer): Promise<void> {
  for (const [key, brand] of Object.entries(BRANDS) as Array<[ClientKey, (typeof BRANDS)[ClientKey]]>) {
    const tenantId = TENANTS[key];
    await w.insert('tenants.brand_dna_snapshot', [{
      id: DNA_SNAPSHOTS[key], tenant_id: tenantId, version: 1, document: json(brand.dna),
      provenance: json(onboardingProvenance(brand.dna, { website: brand.website, pdf: brand.pdf })),
      locale: brand.dna.locale, note: brand.dna.locale === 'fr' ? 'ADN validé à la fin de l’onboarding' : 'Accepted at the end of onboarding',
      created_by: brand.admin.id,
    }]);
    const session = derivedId(`onboarding:${key}`);
    await w.insert('tenants.onboarding_session', [{
      id: session, tenant_id: tenantId, status: 'accepted', locale: brand.dna.locale, progress: json({ total: 3, done: 3 }),
      draft: json(brand.dna), accepted_snapshot_id: DNA_SNAPSHOTS[key], created_by: brand.admin.id,
    }]);
    const sources: Row[] = [
      { kind: 'answer', question_key: 'mission', answer: brand.dna.mission },
      { kind: 'url', url: brand.website },
    ].map((s, i) => ({
      id: derivedId(`onboarding-source:${key}:${i}`), tenant_id: tenantId, session_id: session, question_key: null, answer: null, url: null,
      ...s, status: 'done', locale: brand.dna.locale, processed_at: '2026-01-15T10:00:00Z',
    }));
    await w.insert('tenants.onboarding_source', sources);
  }
}

// --- B1/B2/B5 ----------------------------------------------------------------
async function seedBilling(w: Writer, now: Date): Promise<void> {
  const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const subs: Array<{ client: ClientKey; plan: PlanCode; currency: string; price: number; seller: string }> = [
    { client: 'bakery', plan: 'growth', currency: 'EUR', price: 7900, seller: TENANTS.direct },
    { client: 'fitness', plan: 'atlas-pro', currency: 'EUR', price: 14900, seller: TENANTS.atlasAgency },
    { client: 'riad', plan: 'riad-saison', currency: 'MAD', price: 149000, seller: TENANTS.atlasMaroc },
  ];
  await w.insert('billing.customer', subs.map((s) => ({
    tenant_id: TENANTS[s.client], provider: 'manual', billing_name: BRANDS[s.client].dna.identity.name,
    billing_email: BRANDS[s.client].admin.email, address: json({ line1: BRANDS[s.client].dna.identity.location }), locale: BRANDS[s.client].dna.locale,
  })));
  await w.insert('billing.subscription', subs.map((s) => ({
    id: derivedId(`subscription:${s.client}`), tenant_id: TENANTS[s.client], plan_id: PLAN_IDS[s.plan], status: 'active', interval: 'month',
    currency: s.currency, price_minor: s.price, seller_tenant_id: s.seller, current_period_start: periodStart, current_period_end: periodEnd,
  })));
  const credits = Object.fromEntries(PLANS.map((p) => [p.code, p.monthlyCredits])) as Record<PlanCode, number>;
  await w.insert('billing.credit_account', subs.map((s) => ({
    tenant_id: TENANTS[s.client], period_start: periodStart.toISOString().slice(0, 10), monthly_budget: credits[s.plan],
    soft_cap: Math.round(credits[s.plan] * 0.8), hard_cap: null,
  })));
  // The month's grant: a balanced transfer from the outside ('source') to 'available'.
  await w.insert('billing.credit_transfer', subs.map((s) => ({
    id: derivedId(`grant:${s.client}`), tenant_id: TENANTS[s.client], kind: 'grant', idempotency_key: 'seed:initial-grant', memo: 'Monthly budget (demo seed)',
  })));
  await w.insert('billing.credit_entry', subs.flatMap((s) => [
    { id: derivedId(`grant:${s.client}:source`), tenant_id: TENANTS[s.client], transfer_id: derivedId(`grant:${s.client}`), account: 'source', amount: -credits[s.plan] },
    { id: derivedId(`grant:${s.client}:available`), tenant_id: TENANTS[s.client], transfer_id: derivedId(`grant:${s.client}`), account: 'available', amount: credits[s.plan] },
  ]));
  await w.insert('billing.retail_price', [
    { tenant_id: TENANTS.atlasAgency, plan_id: PLAN_IDS.growth, currency: 'EUR', interval: 'month', amount_minor: 9900 },
    { tenant_id: TENANTS.atlasAgency, plan_id: PLAN_IDS['atlas-pro'], currency: 'EUR', interval: 'month', amount_minor: 14900 },
    { tenant_id: TENANTS.atlasMaroc, plan_id: PLAN_IDS.growth, currency: 'MAD', interval: 'month', amount_minor: 99000 },
  ]);
  await w.insert('billing.commission_rule', [
    { id: derivedId('commission-rule:atlas-agency'), tenant_id: TENANTS.atlasAgency, set_by_tenant_id: TENANTS.platform, rate_bp: 2000, tier_basis: 'active_clients', valid_from: '2026-01-01' },
    { id: derivedId('commission-rule:atlas-maroc'), tenant_id: TENANTS.atlasMaroc, set_by_tenant_id: TENANTS.atlasAgency, rate_bp: 1000, tier_basis: null, valid_from: '2026-01-01' },
  ]);
  await w.insert('billing.commission_tier', [
    { tenant_id: TENANTS.atlasAgency, rule_id: derivedId('commission-rule:atlas-agency'), threshold: 10, rate_bp: 2500 },
    { tenant_id: TENANTS.atlasAgency, rule_id: derivedId('commission-rule:atlas-agency'), threshold: 25, rate_bp: 3000 },
  ]);
}

// --- C1 ----------------------------------------------------------------------
async function seedContent(w: Writer): Promise<void> {
  const handles: Record<ClientKey, string> = { bakery: '@maisonlumiere', fitness: '@forgeandflow', riad: '@riaddaryasmine' };
  await w.insert('content.channel', (Object.keys(BRANDS) as ClientKey[]).flatMap((key) => BRANDS[key].dna.channels.map((kind) => ({
    id: derivedId(`channel:${key}:${kind}`), tenant_id: TENANTS[key], kind,
    name: ['instagram', 'x', 'facebook', 'linkedin'].includes(kind) ? `${kind} ${handles[key]}` : `${kind} — ${BRANDS[key].dna.identity.name}`,
    locale: BRANDS[key].dna.locale, settings: json({}),
  }))));
}

// C5: published posts of the bakery with their engagement (learned posting times).
async function seedEngagementHistory(w: Writer, now: Date): Promise<void> {
  const history = bakeryEngagementHistory({
    tenantId: TENANTS.bakery, timeZone: 'Europe/Paris', now, derivedId,
    channelIds: { instagram: derivedId('channel:bakery:instagram'), facebook: derivedId('channel:bakery:facebook') },
  });
  await w.insert('content.content_item', history.items);
  await w.insert('content.content_version', history.versions);
  await w.insert('content.publication', history.publications);
  // The day comes from the stored publication, so a later re-seed adds no second day.
  const metrics = await w.query(
    `insert into analytics.engagement_metric (tenant_id, publication_id, channel, day, impressions, reach, likes, comments, shares, saves, clicks, collected_at)
     select m.tenant_id, m.publication_id, m.channel, (p.published_at at time zone 'UTC')::date, m.impressions, m.reach, m.likes, m.comments, m.shares, m.saves, m.clicks, p.published_at
       from jsonb_to_recordset($1::jsonb) as m(tenant_id uuid, publication_id uuid, channel text, impressions bigint, reach bigint, likes bigint, comments bigint, shares bigint, saves bigint, clicks bigint)
       join content.publication p on p.tenant_id = m.tenant_id and p.id = m.publication_id
     on conflict do nothing returning publication_id`, [json(history.metrics)]);
  w.inserted['analytics.engagement_metric'] = (w.inserted['analytics.engagement_metric'] ?? 0) + metrics.length;
}

// --- A1/A2/A5/A6 -------------------------------------------------------------
/** Deterministic pseudo-random numbers, so the demo history is the same every time. */
function prng(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRAFFIC = [
  { utm_source: 'instagram', utm_medium: 'social', utm_campaign: 'printemps', click: 'fbclid' },
  { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'marque', click: 'gclid' },
  { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'lettre-mensuelle', click: null },
  { utm_source: 'facebook', utm_medium: 'social', utm_campaign: 'printemps', click: 'fbclid' },
  { utm_source: null, utm_medium: null, utm_campaign: null, click: null },
] as const;

const CONVERSIONS: Record<ClientKey, { event: string; name: string; value: [number, number]; currency: string; pages: string[] }> = {
  bakery: { event: 'booking_confirmed', name: 'booking', value: [2400, 9600], currency: 'EUR', pages: ['/', '/brunch', '/ateliers', '/commandes-entreprise'] },
  fitness: { event: 'purchase', name: 'purchase', value: [2900, 12900], currency: 'EUR', pages: ['/', '/timetable', '/intro-week', '/pricing'] },
  riad: { event: 'booking_confirmed', name: 'booking', value: [240000, 660000], currency: 'MAD', pages: ['/', '/chambres', '/experiences', '/reserver'] },
};

async function seedAnalytics(w: Writer, now: Date): Promise<void> {
  // History reaches back into earlier months: make sure their partitions exist.
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1)).toISOString().slice(0, 10);
  await w.query('select analytics.ensure_event_partitions($1::date, 3)', [from]);
  const hour = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  let index = 0;
  for (const key of Object.keys(BRANDS) as ClientKey[]) {
    const tenantId = TENANTS[key];
    const rand = prng(++index * 7919);
    const conv = CONVERSIONS[key];
    const website = BRANDS[key].website;
    const events: Row[] = [];
    const conversions: Row[] = [];
    for (let i = 0; i < 60; i++) {
      const visitor = Math.floor(rand() * 12);
      const traffic = TRAFFIC[visitor % TRAFFIC.length]!;
      // spread over the last 21 days, denser recently (for 24 h vs 7 days trends)
      const hoursAgo = Math.floor(Math.pow(rand(), 1.6) * 21 * 24);
      const occurredAt = new Date(hour - hoursAgo * 3_600_000 - Math.floor(rand() * 3_600_000));
      const roll = rand();
      const name = roll < 0.78 ? 'page_view' : roll < 0.9 ? 'form_submit' : conv.event;
      const eventId = derivedId(`event:${key}:${i}`);
      const anonymousId = `anon-${key}-${visitor}`;
      const page = conv.pages[Math.floor(rand() * conv.pages.length)]!;
      events.push({
        event_id: eventId, tenant_id: tenantId, occurred_at: occurredAt, name, source: name === 'page_view' ? 'browser' : 'server',
        anonymous_id: anonymousId, properties: json(name === 'page_view' ? { title: page } : { page }), url: `${website}${page}`,
        referrer: traffic.utm_source ? `https://${traffic.utm_source}.com/` : null,
        utm_source: traffic.utm_source, utm_medium: traffic.utm_medium, utm_campaign: traffic.utm_campaign,
        gclid: traffic.click === 'gclid' ? `Cj0K${eventId.slice(0, 8)}` : null, fbclid: traffic.click === 'fbclid' ? `IwAR${eventId.slice(0, 8)}` : null,
      });
      if (name !== 'page_view') {
        const isSale = name === conv.event;
        const value = isSale ? conv.value[0] + Math.round(rand() * (conv.value[1] - conv.value[0]) / 100) * 100 : null;
        conversions.push({
          id: derivedId(`conversion:${key}:${i}`), tenant_id: tenantId, event_id: eventId, name: isSale ? conv.name : 'lead', occurred_at: occurredAt,
          value_minor: value, currency: isSale ? conv.currency : null, anonymous_id: anonymousId,
          utm_source: traffic.utm_source, utm_medium: traffic.utm_medium, utm_campaign: traffic.utm_campaign, qualified: isSale,
        });
      }
    }
    // A1: the receipt decides; only events whose receipt is new go in (their
    // occurred_at moves with the clock, so the event's own key cannot dedup).
    const receipts = await w.query<{ event_id: string }>(
      `insert into analytics.event_receipt (tenant_id, event_id, occurred_at)
       select $1::uuid, e.id, e.at from unnest($2::uuid[], $3::timestamptz[]) as e(id, at)
       on conflict do nothing returning event_id`,
      [tenantId, events.map((e) => e.event_id), events.map((e) => e.occurred_at)]);
    w.inserted['analytics.event_receipt'] = (w.inserted['analytics.event_receipt'] ?? 0) + receipts.length;
    const fresh = new Set(receipts.map((r) => r.event_id));
    const newEvents = events.filter((e) => fresh.has(e.event_id as string));
    if (newEvents.length) await w.insert('analytics.event', newEvents);
    const newConversions = conversions.filter((c) => fresh.has(c.event_id as string));
    if (newConversions.length) await w.insert('analytics.conversion', newConversions);

    // A6: six months of business metrics entered by the client.
    const metrics: Row[] = [];
    for (let m = 1; m <= 6; m++) {
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - m, 1)).toISOString().slice(0, 7);
      const base = { bakery: 4_200_000, fitness: 2_800_000, riad: 38_000_000 }[key];
      const revenue = Math.round(base * (0.85 + rand() * 0.3) / 100) * 100;
      const count = Math.round(revenue / conv.value[1] * 3);
      metrics.push(
        { id: derivedId(`metric:${key}:${month}:revenue`), tenant_id: tenantId, month, metric: 'revenue', value: revenue, currency: conv.currency, entered_by: BRANDS[key].admin.id },
        { id: derivedId(`metric:${key}:${month}:count`), tenant_id: tenantId, month, metric: key === 'fitness' ? 'orders' : 'bookings', value: count, currency: null, entered_by: BRANDS[key].admin.id },
      );
    }
    await w.insert('analytics.business_metric', metrics);
  }

  // A5: a few reviews per client.
  const reviews: Array<[ClientKey, string, number, string, string, number]> = [
    ['bakery', 'google', 5, 'fr', 'Le meilleur pain au levain du quartier, et un accueil adorable le samedi matin.', 3],
    ['bakery', 'google', 4, 'fr', 'Croissants excellents, un peu d’attente le week-end mais ça vaut le coup.', 9],
    ['bakery', 'tripadvisor', 5, 'en', 'Lovely brunch, real sourdough and friendly staff.', 17],
    ['fitness', 'google', 5, 'en', 'Coaches actually watch your form. My back pain is gone after two months.', 2],
    ['fitness', 'facebook', 5, 'en', 'Small classes, zero judgement, I finally enjoy training.', 11],
    ['fitness', 'google', 3, 'en', 'Great coaching but the 7am class is always full.', 20],
    ['riad', 'booking', 5, 'fr', 'Un havre de paix dans la médina, le dîner sur la terrasse était inoubliable.', 5],
    ['riad', 'tripadvisor', 5, 'en', 'Nadia and her team made us feel at home. The cooking class is a must.', 14],
    ['riad', 'google', 4, 'fr', 'Très beau riad, chambre Patio un peu sombre mais literie parfaite.', 25],
  ];
  await w.insert('analytics.review', reviews.map(([key, source, rating, locale, body, daysAgo], i) => ({
    id: derivedId(`review:${key}:${i}`), tenant_id: TENANTS[key], source, external_id: `demo-${key}-${i}`, author_name: null, rating, locale, body,
    sentiment: rating >= 4 ? 0.8 : 0.1, sentiment_label: rating >= 4 ? 'positive' : 'neutral',
    published_at: new Date(hour - daysAgo * 86_400_000),
  })));

  // A2: rollups for the dashboards over the seeded window.
  await w.query(`select analytics.refresh_rollups(current_date - 30, current_date + 1)`);
}
