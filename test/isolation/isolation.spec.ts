// The isolation probes of the foundation issue, run from outside: a real
// stack, real HTTP and WebSocket through the gateway, two real clients.
// They must stay green forever.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { buildClientSchema, getIntrospectionQuery, getNamedType, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startStack, type Stack } from '../../scripts/stack.ts';
import { createTestDatabase } from '../../packages/testing/src/database.ts';
import { graphql, loginAs } from '../../packages/testing/src/graphql.ts';
import { hashPassword } from '../../packages/tenancy/src/password.ts';
import { insertEvergreenCandidates, insertPublication, insertWatchRows, tinyPng, uploadMedia } from './b-rows.ts';

const DRAFT = { channel: 'BLOG', title: 'Probe', body: 'Probe body text.', keyphrase: 'probe', locale: 'en' };

let stack: Stack;
let dataDir: string;
let dropDatabase: () => Promise<void>;
let admin: pg.Client;
const A = { tenantId: '', token: '', email: '' };
const B = { tenantId: '', token: '', itemId: '', apiKeyId: '', runId: '', approvalId: '', slotId: '', onboardingId: '', onboardingSourceId: '', mediaId: '',
  // Destructive probes get rows of their own, so later probes still find theirs.
  imageId: '', deletableImageId: '', listId: '', deletableListId: '', contactId: '', deletableContactId: '',
  sourceId: '', removableSourceId: '', captureId: '', alertId: '', evergreenAcceptId: '', evergreenDismissId: '', publicationId: '', channelId: '',
  promptLocale: 'en', promptVersion: 0, promptDocument: {} as Record<string, unknown>, brandVersion: 0, brandDocument: {} as Record<string, unknown> };
let distributor = { token: '', subtree: [] as string[], outsideClientId: '' };

async function createClientAdmin(tenantId: string, email: string): Promise<void> {
  // As the owner, like an administrator onboarding a client.
  const userId = randomUUID();
  await admin.query('set role ensemble_owner');
  await admin.query(`insert into tenants."user" (id, email, password_hash, display_name) values ($1, $2, $3, 'Probe')`,
    [userId, email, await hashPassword('probe-password-1')]);
  await admin.query(`insert into tenants.membership (id, tenant_id, user_id, role_id)
    select $1, $2, $3, r.id from tenants.role r where r.tenant_id is null and r.applies_to = 'client' and r.name ilike '%admin%' limit 1`,
    [randomUUID(), tenantId, userId]);
  await admin.query('reset role');
}

beforeAll(async () => {
  const db = await createTestDatabase();
  dropDatabase = db.drop;
  dataDir = await mkdtemp(join(tmpdir(), 'ensemble-isolation-'));
  stack = await startStack({ dataDir, ports: await freePorts(), databaseUrl: db.adminUrl, web: false });
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();

  const clients = (await admin.query<{ id: string; parent_id: string }>(`select id, parent_id from tenants.tenant where kind = 'client' order by slug`)).rows;
  expect(clients.length).toBeGreaterThanOrEqual(3);
  A.tenantId = clients[0]!.id;
  B.tenantId = clients[1]!.id;
  A.email = `probe-a-${Date.now()}@probe.test`;
  const bEmail = `probe-b-${Date.now()}@probe.test`;
  await createClientAdmin(A.tenantId, A.email);
  await createClientAdmin(B.tenantId, bEmail);
  A.token = await loginAs(stack.gatewayUrl, A.email, 'probe-password-1');
  B.token = await loginAs(stack.gatewayUrl, bEmail, 'probe-password-1');

  // B owns one row of every kind an id can name.
  const item = await graphql<{ createDraft: { id: string } }>(stack.gatewayUrl,
    'mutation($i: DraftInput!) { createDraft(input: $i) { id } }', { i: DRAFT }, B.token);
  B.itemId = item.data!.createDraft.id;
  const key = await graphql<{ createApiKey: { apiKey: { id: string } } }>(stack.gatewayUrl,
    'mutation { createApiKey(input: { name: "probe", scopes: ["content:read"] }) { apiKey { id } } }', {}, B.token);
  B.apiKeyId = key.data!.createApiKey.apiKey.id;
  const run = await graphql<{ startMonthlyPipeline: { id: string } }>(stack.gatewayUrl,
    'mutation { startMonthlyPipeline { id } }', {}, B.token);
  B.runId = run.data!.startMonthlyPipeline.id;
  expect(B.itemId && B.apiKeyId && B.runId).toBeTruthy();
  // C5/C6: a review round of B's draft, and a calendar slot of B (slots come from pipelines: inserted here).
  const round = await graphql<{ submitForReview: { id: string } }>(stack.gatewayUrl,
    'mutation($id: ID!) { submitForReview(itemId: $id) { id } }', { id: B.itemId }, B.token);
  B.approvalId = round.data!.submitForReview.id;
  B.slotId = randomUUID();
  await admin.query(`insert into content.calendar_slot (id, tenant_id, channel, scheduled_at) values ($1, $2, 'blog', now() + interval '3 days')`, [B.slotId, B.tenantId]);
  // T8: B's onboarding session with a website source, and an uploaded PDF of B's library.
  const onboarding = await graphql<{ addOnboardingSource: { id: string; sources: Array<{ id: string }> } }>(stack.gatewayUrl,
    'mutation { addOnboardingSource(kind: URL, url: "https://probe-b.example/") { id sources { id } } }', {}, B.token);
  B.onboardingId = onboarding.data!.addOnboardingSource.id;
  B.onboardingSourceId = onboarding.data!.addOnboardingSource.sources[0]!.id;
  B.mediaId = randomUUID();
  await admin.query(`insert into content.media (id, tenant_id, kind, filename, mime_type, size_bytes, sha256, storage, storage_key, locale)
    values ($1, $2, 'pdf', 'probe.pdf', 'application/pdf', 10, repeat('a', 64), 'local', $3, 'en')`, [B.mediaId, B.tenantId, `${B.tenantId}/${B.mediaId}/probe.pdf`]);

  // C7: B's images, uploaded through the gateway like the web app does.
  B.imageId = await uploadMedia(stack.gatewayUrl, B.token, tinyPng(), 'probe.png', 'image/png');
  B.deletableImageId = await uploadMedia(stack.gatewayUrl, B.token, tinyPng(6, 6), 'probe-delete.png', 'image/png');
  // C8 contacts: two lists and two contacts of B, through B's API.
  const gql = async <T>(op: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await graphql<T>(stack.gatewayUrl, op, variables, B.token);
    expect(res.errors, op).toBeUndefined();
    return res.data!;
  };
  const list = (name: string) => gql<{ createContactList: { id: string } }>(
    'mutation($n: String!) { createContactList(input: { name: $n }) { id } }', { n: name }).then((d) => d.createContactList.id);
  B.listId = await list('Probe list');
  B.deletableListId = await list('Probe list to delete');
  const contact = (email: string) => gql<{ createContact: { id: string } }>(
    'mutation($i: ContactInput!) { createContact(input: $i) { id } }', { i: { email, firstName: 'Probe', listIds: [B.listId], emailConsent: true } })
    .then((d) => d.createContact.id);
  B.contactId = await contact(`contact-b-${Date.now()}@probe.test`);
  B.deletableContactId = await contact(`contact-b-delete-${Date.now()}@probe.test`);
  // C11/C13/C8: rows the worker or a connector would record, as the owner.
  Object.assign(B, await insertWatchRows(admin, B.tenantId));
  const second = await gql<{ createDraft: { id: string } }>('mutation($i: DraftInput!) { createDraft(input: $i) { id } }', { i: { ...DRAFT, title: 'Probe 2' } });
  const [accept, dismiss] = await insertEvergreenCandidates(admin, B.tenantId, [B.itemId, second.createDraft.id]);
  Object.assign(B, { evergreenAcceptId: accept, evergreenDismissId: dismiss });
  B.publicationId = await insertPublication(admin, B.tenantId, B.itemId);
  // C8: one of B's channels, as B's API lists them.
  B.channelId = (await gql<{ publishingChannels: Array<{ channelId: string }> }>('{ publishingChannels { channelId } }')).publishingChannels[0]!.channelId;
  // T6/T7: B's brand DNA and own prompt layer, read through B's API, so edits carry valid documents and versions.
  const dna = await gql<{ brandDna: { version: number; document: Record<string, unknown> } | null }>('{ brandDna { version document } }');
  expect(dna.brandDna, 'the seed gives B a brand DNA').not.toBeNull();
  B.brandVersion = dna.brandDna!.version;
  B.brandDocument = dna.brandDna!.document;
  const layer = (await admin.query<{ locale: string; version: number; document: Record<string, unknown> }>(
    `select l.locale, l.version, l.document from tenants.prompt_layer l join tenants.tenant t on t.id = l.tenant_id and l.locale = t.locale
      where l.tenant_id = $1 order by l.version desc limit 1`, [B.tenantId])).rows[0];
  if (layer) Object.assign(B, { promptLocale: layer.locale, promptVersion: layer.version, promptDocument: layer.document });

  // A distributor admin of the seed and a client outside its subtree.
  const dist = (await admin.query<{ email: string; tenant_id: string }>(`
    select u.email, m.tenant_id from tenants.membership m join tenants."user" u on u.id = m.user_id
      join tenants.tenant t on t.id = m.tenant_id join tenants.role r on r.id = m.role_id
     where t.kind = 'distributor' and r.name ilike '%admin%' and t.parent_id is not null
       and exists (select 1 from tenants.tenant c where c.kind = 'client' and m.tenant_id = any (c.ancestry))
     order by t.slug limit 1`)).rows[0]!;
  const subtree = (await admin.query<{ id: string }>('select id from tenants.tenant where $1 = any (ancestry)', [dist.tenant_id])).rows.map((r) => r.id);
  const outside = (await admin.query<{ id: string }>(`select id from tenants.tenant where kind = 'client' and not ($1 = any (ancestry)) limit 1`, [dist.tenant_id])).rows[0]!;
  distributor = { token: await loginAs(stack.gatewayUrl, dist.email, process.env.DEMO_PASSWORD ?? stack.demo.password), subtree, outsideClientId: outside.id };
}, 240_000);

afterAll(async () => {
  await admin?.end();
  await stack?.stop();
  await dropDatabase?.();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Every root field that takes an ID, with an operation and B's id for it. */
const PROBES: Record<string, { op: string; bId: () => string; vars?: () => Record<string, unknown> }> = {
  'Query.tenant': { op: 'query($id: ID!) { tenant(id: $id) { id } }', bId: () => B.tenantId },
  'Query.brandDna': { op: 'query($id: ID) { brandDna(clientId: $id) { id } }', bId: () => B.tenantId },
  'Query.brandDnaHistory': { op: 'query($id: ID) { brandDnaHistory(clientId: $id) { id } }', bId: () => B.tenantId },
  'Query.contentItem': { op: 'query($id: ID!) { contentItem(id: $id) { id } }', bId: () => B.itemId },
  'Query.pipelineRun': { op: 'query($id: ID!) { pipelineRun(id: $id) { id } }', bId: () => B.runId },
  'Mutation.saveDraft': { op: 'mutation($id: ID!, $i: DraftInput!) { saveDraft(id: $id, input: $i) { id } }', bId: () => B.itemId, vars: () => ({ i: DRAFT }) },
  'Mutation.scoreDraft': { op: 'mutation($id: ID!, $i: DraftInput!) { scoreDraft(id: $id, input: $i, revision: 1) }', bId: () => B.itemId, vars: () => ({ i: DRAFT }) },
  'Mutation.scoreDraftEdit': { op: 'mutation($id: ID!) { scoreDraftEdit(id: $id, base: 1, revision: 2, edit: { at: 0, remove: 1, insert: ["Probe."] }) }', bId: () => B.itemId },
  'Query.contentVersions': { op: 'query($id: ID!) { contentVersions(itemId: $id) { version } }', bId: () => B.itemId },
  'Query.contentVersionDiff': { op: 'query($id: ID!) { contentVersionDiff(itemId: $id, from: 1, to: 1) { itemId } }', bId: () => B.itemId },
  'Query.regenerationQuote': { op: 'query($id: ID!) { regenerationQuote(itemId: $id) { credits } }', bId: () => B.itemId },
  'Mutation.regenerateContent': { op: 'mutation($id: ID!) { regenerateContent(itemId: $id) { id } }', bId: () => B.itemId },
  'Mutation.restoreContentVersion': { op: 'mutation($id: ID!) { restoreContentVersion(itemId: $id, version: 1) { id } }', bId: () => B.itemId },
  'Mutation.retryPipelineStep': { op: 'mutation($id: ID!) { retryPipelineStep(runId: $id) { id } }', bId: () => B.runId },
  'Query.clientCredit': { op: 'query($id: ID!) { clientCredit(clientId: $id) { budget } }', bId: () => B.tenantId },
  'Mutation.grantCredits': { op: 'mutation($id: ID!) { grantCredits(clientId: $id, amount: 5, idempotencyKey: "probe") { id } }', bId: () => B.tenantId },
  'Mutation.revokeApiKey': { op: 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', bId: () => B.apiKeyId },
  'Query.approval': { op: 'query($id: ID!) { approval(id: $id) { id } }', bId: () => B.approvalId },
  'Query.itemApprovals': { op: 'query($id: ID!) { itemApprovals(itemId: $id) { id } }', bId: () => B.itemId },
  'Mutation.commentOnApproval': { op: 'mutation($id: ID!) { commentOnApproval(approvalId: $id, body: "probe") { id } }', bId: () => B.approvalId },
  'Mutation.createApprovalLink': { op: 'mutation($id: ID!) { createApprovalLink(itemId: $id) { path } }', bId: () => B.itemId },
  'Mutation.requestChanges': { op: 'mutation($id: ID!) { requestChanges(approvalId: $id, comment: "probe") { id } }', bId: () => B.approvalId },
  'Mutation.regenerateItem': { op: 'mutation($id: ID!) { regenerateItem(approvalId: $id) { id } }', bId: () => B.approvalId },
  'Mutation.approveItem': { op: 'mutation($id: ID!) { approveItem(approvalId: $id) { id } }', bId: () => B.approvalId },
  'Mutation.submitForReview': { op: 'mutation($id: ID!) { submitForReview(itemId: $id) { id } }', bId: () => B.itemId },
  'Mutation.rescheduleSlot': { op: 'mutation($id: ID!) { rescheduleSlot(slotId: $id, scheduledAt: "2099-01-01T10:00:00Z") { id } }', bId: () => B.slotId },
  'Subscription.seoScore': { op: 'subscription($id: ID!) { seoScore(itemId: $id) { total } }', bId: () => B.itemId },
  'Subscription.pipelineProgress': { op: 'subscription($id: ID!) { pipelineProgress(runId: $id) { id } }', bId: () => B.runId },
  'Mutation.addOnboardingSource': { op: 'mutation($id: ID) { addOnboardingSource(kind: PDF, mediaId: $id) { id } }', bId: () => B.mediaId },
  'Mutation.removeOnboardingSource': { op: 'mutation($id: ID!) { removeOnboardingSource(sourceId: $id) { id } }', bId: () => B.onboardingSourceId },
  'Subscription.onboardingProgress': { op: 'subscription($id: ID!) { onboardingProgress(sessionId: $id) { id } }', bId: () => B.onboardingId },
  // T6/T7: B's tenant id, with valid versions and documents.
  'Query.brandDnaDiff': { op: 'query($id: ID) { brandDnaDiff(clientId: $id, fromVersion: 1, toVersion: 1) { fromVersion } }', bId: () => B.tenantId },
  'Mutation.updateBrandDna': {
    op: 'mutation($id: ID, $d: JSONObject!, $v: Int!) { updateBrandDna(clientId: $id, document: $d, baseVersion: $v, note: "probe") { version } }',
    bId: () => B.tenantId,
    // B's own document with one word changed: valid, and different from the latest.
    vars: () => ({ d: { ...B.brandDocument, mission: `${String(B.brandDocument['mission'] ?? 'Probe mission')} (probe)` }, v: B.brandVersion }),
  },
  'Mutation.restoreBrandDna': { op: 'mutation($id: ID) { restoreBrandDna(clientId: $id, version: 1) { version } }', bId: () => B.tenantId },
  'Query.promptLayers': { op: 'query($id: ID, $l: String!) { promptLayers(tenantId: $id, locale: $l) { tenantId } }', bId: () => B.tenantId, vars: () => ({ l: B.promptLocale }) },
  'Query.mergedPrompt': { op: 'query($id: ID, $l: String!) { mergedPrompt(clientId: $id, locale: $l) { tenantId } }', bId: () => B.tenantId, vars: () => ({ l: B.promptLocale }) },
  'Mutation.savePromptLayer': {
    op: 'mutation($id: ID, $l: String!, $d: JSONObject!, $v: Int!) { savePromptLayer(tenantId: $id, locale: $l, document: $d, baseVersion: $v, note: "probe") { version } }',
    bId: () => B.tenantId,
    // B's own latest layer with its emoji rule changed: valid, and a real change.
    vars: () => ({ l: B.promptLocale, d: { ...B.promptDocument, style: { ...(B.promptDocument['style'] as object | undefined), emoji: 'none (probe)' } }, v: B.promptVersion }),
  },
  // C7: B's uploaded images; attach/detach take B's item with B's image.
  'Query.mediaItem': { op: 'query($id: ID!) { mediaItem(id: $id) { id } }', bId: () => B.imageId },
  'Mutation.tagMedia': { op: 'mutation($id: ID!) { tagMedia(id: $id, tags: ["probe"]) { id } }', bId: () => B.imageId },
  'Mutation.describeMedia': { op: 'mutation($id: ID!) { describeMedia(id: $id, altText: "A grey square") { id } }', bId: () => B.imageId },
  'Mutation.attachMedia': { op: 'mutation($id: ID!, $m: ID!) { attachMedia(itemId: $id, mediaId: $m, role: HERO) { id } }', bId: () => B.itemId, vars: () => ({ m: B.imageId }) },
  'Mutation.detachMedia': { op: 'mutation($id: ID!, $m: ID!) { detachMedia(itemId: $id, mediaId: $m) }', bId: () => B.itemId, vars: () => ({ m: B.imageId }) },
  'Mutation.deleteMedia': { op: 'mutation($id: ID!) { deleteMedia(id: $id) }', bId: () => B.deletableImageId },
  // C8: B's contact lists and contacts.
  'Query.contactList': { op: 'query($id: ID!) { contactList(id: $id) { id } }', bId: () => B.listId },
  'Query.contacts': { op: 'query($id: ID) { contacts(listId: $id) { total } }', bId: () => B.listId },
  'Query.contact': { op: 'query($id: ID!) { contact(id: $id) { id } }', bId: () => B.contactId },
  'Mutation.updateContactList': { op: 'mutation($id: ID!) { updateContactList(id: $id, input: { name: "Probe list renamed" }) { id } }', bId: () => B.listId },
  'Mutation.deleteContactList': { op: 'mutation($id: ID!) { deleteContactList(id: $id) }', bId: () => B.deletableListId },
  'Mutation.updateContact': { op: 'mutation($id: ID!) { updateContact(id: $id, input: { firstName: "Probed" }) { id } }', bId: () => B.contactId },
  'Mutation.setContactConsent': { op: 'mutation($id: ID!) { setContactConsent(id: $id, channel: EMAIL, granted: false) { id } }', bId: () => B.contactId },
  'Mutation.deleteContact': { op: 'mutation($id: ID!) { deleteContact(id: $id) }', bId: () => B.deletableContactId },
  'Mutation.importContacts': {
    op: 'mutation($id: ID!, $csv: String!) { importContacts(listId: $id, csv: $csv) { rows errors { message } } }',
    bId: () => B.listId, vars: () => ({ csv: 'email,first_name,email_consent\nimported-b@probe.test,Imported,yes\n' }),
  },
  // C11: B's competitor watch.
  'Query.competitorSource': { op: 'query($id: ID!) { competitorSource(id: $id) { id } }', bId: () => B.sourceId },
  'Query.competitorCapture': { op: 'query($id: ID!) { competitorCapture(id: $id) { id } }', bId: () => B.captureId },
  'Query.competitorAlerts': { op: 'query($id: ID) { competitorAlerts(sourceId: $id) { id } }', bId: () => B.sourceId },
  'Mutation.updateCompetitorSource': { op: 'mutation($id: ID!) { updateCompetitorSource(id: $id, input: { intervalMinutes: 120 }) { id } }', bId: () => B.sourceId },
  'Mutation.captureCompetitorSource': { op: 'mutation($id: ID!) { captureCompetitorSource(id: $id) { status } }', bId: () => B.sourceId },
  'Mutation.markAlertRead': { op: 'mutation($id: ID!) { markAlertRead(id: $id, read: true) { id } }', bId: () => B.alertId },
  'Mutation.removeCompetitorSource': { op: 'mutation($id: ID!) { removeCompetitorSource(id: $id) }', bId: () => B.removableSourceId },
  // C13: B's evergreen proposals (one to accept, one to dismiss).
  'Mutation.acceptEvergreenCandidate': { op: 'mutation($id: ID!) { acceptEvergreenCandidate(id: $id) { id } }', bId: () => B.evergreenAcceptId },
  'Mutation.dismissEvergreenCandidate': { op: 'mutation($id: ID!) { dismissEvergreenCandidate(id: $id) { id } }', bId: () => B.evergreenDismissId },
  // C8/C9: B's publication of its item, and the item's UTM links.
  'Query.publication': { op: 'query($id: ID!) { publication(id: $id) { id } }', bId: () => B.publicationId },
  'Query.publicationLog': { op: 'query($id: ID!) { publicationLog(itemId: $id) { id } }', bId: () => B.itemId },
  'Mutation.publishNow': { op: 'mutation($id: ID!) { publishNow(itemId: $id) { outcome } }', bId: () => B.itemId },
  'Mutation.replayPublication': { op: 'mutation($id: ID!) { replayPublication(id: $id) { outcome } }', bId: () => B.publicationId },
  'Mutation.connectChannel': {
    op: 'mutation($id: ID!) { connectChannel(channelId: $id, input: { connector: WEBHOOK, displayName: "Probe", url: "https://hooks.probe.example/in" }) { signingSecret } }',
    bId: () => B.channelId,
  },
  'Mutation.disconnectChannel': { op: 'mutation($id: ID!) { disconnectChannel(channelId: $id) { channelId } }', bId: () => B.channelId },
  'Query.utmLinks': { op: 'query($id: ID!) { utmLinks(itemId: $id) { id } }', bId: () => B.itemId },
};

/** Fields whose ID names a shared catalogue row every tenant may read, not a tenant's row. */
const CATALOGUE_IDS: Record<string, string> = {
  'Mutation.topUpCredits': 'a top-up pack of the shared price list',
  // tenants.ai_provider / tenants.ai_model have no tenant_id: every tenant reads them (policy catalogue_read), only the platform writes them.
  'Mutation.setProviderKey': 'an AI provider of the platform catalogue (tenants.ai_provider)',
  'Mutation.clearProviderKey': 'an AI provider of the platform catalogue (tenants.ai_provider)',
  'Mutation.updateProvider': 'an AI provider of the platform catalogue (tenants.ai_provider)',
  'Mutation.updateModel': 'an AI model of the platform catalogue (tenants.ai_model)',
  'Mutation.setRoute': 'AI models of the platform catalogue (tenants.ai_model)',
  'Mutation.chooseModel': 'an AI model of the platform catalogue (tenants.ai_model), chosen for the caller\'s own tenant',
};

async function firstError(op: string, variables: Record<string, unknown>, token: string, subscription: boolean) {
  if (!subscription) {
    const res = await graphql(stack.gatewayUrl, op, variables, token);
    return res.errors?.[0];
  }
  const client = createClient({ url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  try {
    // A subscribe resolver's error arrives as a `next` with errors, then `complete`.
    // A live subscription may yield nothing for a while: silence means accepted.
    const iterator = client.iterate({ query: op, variables });
    const first = await Promise.race([iterator.next(), sleep(2000).then(() => null)]);
    await iterator.return?.();
    return (first?.value as { errors?: Array<{ message: string; extensions?: { code?: string } }> } | undefined)?.errors?.[0];
  } catch (errors) {
    const list = (Array.isArray(errors) ? errors : [errors]) as Array<{ message: string; extensions?: { code?: string } }>;
    return list[0];
  } finally {
    await client.dispose();
  }
}

describe('isolation between clients', () => {
  it('covers every root field that takes an id', async () => {
    const res = await graphql<IntrospectionQuery>(stack.gatewayUrl, getIntrospectionQuery(), {}, A.token);
    const schema = buildClientSchema(res.data!);
    const withIds: string[] = [];
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const field of Object.values(root?.getFields() ?? {})) {
        const name = `${root!.name}.${field.name}`;
        if (field.args.some((a) => getNamedType(a.type).name === 'ID') && !(name in CATALOGUE_IDS)) withIds.push(name);
      }
    }
    expect(withIds.sort()).toEqual(Object.keys(PROBES).sort());
  });

  it.each(Object.entries(PROBES))('%s answers B\'s id exactly like a nonexistent id', async (name, probe) => {
    const subscription = name.startsWith('Subscription.');
    const vars = probe.vars?.() ?? {};
    // A probes first: destructive fields (deleteMedia, deleteContact…) would otherwise remove B's row before A tries it.
    const foreign = await firstError(probe.op, { ...vars, id: probe.bId() }, A.token, subscription);
    const missing = await firstError(probe.op, { ...vars, id: randomUUID() }, A.token, subscription);
    const malformed = await firstError(probe.op, { ...vars, id: 'not-a-uuid' }, A.token, subscription);
    expect(foreign?.extensions?.code).toBe('NOT_FOUND');
    expect(foreign).toEqual(missing);
    expect(malformed).toEqual(missing);
    const own = await firstError(probe.op, { ...vars, id: probe.bId() }, B.token, subscription);
    expect(own?.extensions?.code, `B can use its own ${name}: ${own?.message}`).not.toBe('NOT_FOUND');
  });

  it('lists nothing of B to A', async () => {
    const res = await graphql<{ contentItems: { id: string }[]; tenants: { id: string }[]; apiKeys: { id: string }[] }>(stack.gatewayUrl,
      '{ contentItems(limit: 200) { id } tenants { id } apiKeys { id } }', {}, A.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.contentItems.map((i) => i.id)).not.toContain(B.itemId);
    expect(res.data!.tenants.map((t) => t.id)).toEqual([A.tenantId]);
    expect(res.data!.apiKeys.map((k) => k.id)).not.toContain(B.apiKeyId);
  });
});

describe('a distributor', () => {
  it('sees its subtree and nothing outside it', async () => {
    const res = await graphql<{ tenants: { id: string }[] }>(stack.gatewayUrl, '{ tenants { id } }', {}, distributor.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.tenants.map((t) => t.id).sort()).toEqual([...distributor.subtree].sort());
    expect(res.data!.tenants.map((t) => t.id)).not.toContain(distributor.outsideClientId);
  });

  it('gets NOT_FOUND for a client outside its subtree, as for a nonexistent one', async () => {
    for (const op of ['query($id: ID!) { tenant(id: $id) { id } }', 'query($id: ID) { brandDna(clientId: $id) { id } }']) {
      const outside = await graphql(stack.gatewayUrl, op, { id: distributor.outsideClientId }, distributor.token);
      const missing = await graphql(stack.gatewayUrl, op, { id: randomUUID() }, distributor.token);
      expect(outside.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(outside.errors).toEqual(missing.errors);
    }
  });

  it('reads the brand DNA of a client inside its subtree', async () => {
    const inside = (await admin.query<{ tenant_id: string }>(
      'select tenant_id from tenants.brand_dna_snapshot where tenant_id = any ($1::uuid[]) limit 1', [distributor.subtree])).rows[0];
    expect(inside, 'the seed gives the distributor a client with brand DNA').toBeDefined();
    const res = await graphql<{ brandDna: { tenantId: string } }>(stack.gatewayUrl,
      'query($id: ID) { brandDna(clientId: $id) { tenantId } }', { id: inside!.tenant_id }, distributor.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.brandDna.tenantId).toBe(inside!.tenant_id);
  });
});
