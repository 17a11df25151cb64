// C8 contacts through the content subgraph's schema: lists, contacts with
// consent, CSV import (checked row by row, all or nothing), the public
// unsubscribe mutation, SMS STOP through Twilio's inbound webhook, and
// another client's contacts out of reach.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphql as execute } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import { createContext } from '@ensemble/subgraph-kit/context';
import type { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { ANONYMOUS, type Identity } from '@ensemble/tenancy/identity';
import { DEMO } from '@ensemble/db/seed';
import type { Permission } from '@ensemble/tenancy/permissions';
import { contactsModule } from '../contacts.resolver.ts';
import { createUnsubscribeToken } from '../contacts.service.ts';
import { handleInboundSms, inboundSmsHandler, oneClickUnsubscribeHandler, twilioSignature } from '../opt-out.service.ts';
import { A, B, connect, inTenant, openFixture, type Fixture } from '../../publication/__tests__/publication-fixtures.ts';

let f: Fixture;
const schema = buildGuardedSubgraphSchema([contactsModule]);

const ADMIN: Permission[] = ['content:read', 'content:write', 'content:publish'];
const who = (tenantId: string, permissions: Permission[] = ADMIN): Identity => ({ kind: 'user', actorId: DEMO.logins.clientAdmin.id, tenantId, role: 'client_admin', permissions });

async function gql<T = Record<string, unknown>>(identity: Identity, source: string, variableValues: Record<string, unknown> = {}) {
  const result = await execute({ schema, source, variableValues, contextValue: createContext(identity, f.orm, null as unknown as PgPubSub) });
  return result as { data?: T | null; errors?: ReadonlyArray<{ message: string; extensions: Record<string, unknown> }> };
}

async function ok<T = Record<string, unknown>>(identity: Identity, source: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await gql<T>(identity, source, variables);
  if (result.errors?.length) throw new Error(result.errors.map((e) => `${String(e.extensions['code'])} ${e.message}`).join('; '));
  return result.data!;
}

beforeAll(async () => {
  f = await openFixture();
});

afterAll(async () => {
  await f?.close();
});

const CONTACT_FIELDS = 'id email phone firstName status consents { channel status source } listIds';

describe('lists and contacts', () => {
  let listId: string;

  it('creates a list and a contact with consent per channel', async () => {
    const { createContactList } = await ok<{ createContactList: { id: string; name: string; locale: string } }>(who(A),
      'mutation($i: ContactListInput!) { createContactList(input: $i) { id name locale } }', { i: { name: 'Clients fidèles' } });
    listId = createContactList.id;
    expect(createContactList).toMatchObject({ name: 'Clients fidèles', locale: 'fr' });
    const { createContact } = await ok<{ createContact: { consents: Array<{ channel: string; status: string; source: string }>; email: string; phone: string } }>(who(A),
      `mutation($i: ContactInput!) { createContact(input: $i) { ${CONTACT_FIELDS} } }`,
      { i: { email: ' Eve@Example.TEST ', phone: '+33 6 12 34 56 79', firstName: 'Eve', listIds: [listId], emailConsent: true, smsConsent: false } });
    expect(createContact.email).toBe('eve@example.test');
    expect(createContact.phone).toBe('+33612345679');
    expect(createContact.consents).toEqual(expect.arrayContaining([
      { channel: 'EMAIL', status: 'GRANTED', source: 'manual' },
      { channel: 'SMS', status: 'WITHDRAWN', source: 'manual' },
    ]));
    const { contactList } = await ok<{ contactList: { members: number; emailConsents: number; smsConsents: number } }>(who(A),
      'query($id: ID!) { contactList(id: $id) { members emailConsents smsConsents } }', { id: listId });
    expect(contactList).toEqual({ members: 1, emailConsents: 1, smsConsents: 0 });
  });

  it('refuses bad contacts with the field named, and duplicates as a conflict', async () => {
    const bad = await gql(who(A), 'mutation($i: ContactInput!) { createContact(input: $i) { id } }', { i: { email: 'not-an-address', listIds: [listId] } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    const noAddress = await gql(who(A), 'mutation($i: ContactInput!) { createContact(input: $i) { id } }', { i: { firstName: 'Nobody' } });
    expect(noAddress.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const consentWithoutPhone = await gql(who(A), 'mutation($i: ContactInput!) { createContact(input: $i) { id } }', { i: { email: 'x@example.test', smsConsent: true } });
    expect(consentWithoutPhone.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'smsConsent' });
    const duplicate = await gql(who(A), 'mutation($i: ContactInput!) { createContact(input: $i) { id } }', { i: { email: 'eve@example.test' } });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'email' });
    const { rows } = await f.admin.query(`select count(*)::int as n from content.contact where tenant_id = $1 and email in ('not-an-address', 'x@example.test')`, [A]);
    expect(rows[0].n).toBe(0);
  });

  it('imports a CSV only when every row is valid, reporting each bad row by line', async () => {
    const broken = [
      'email;phone;first_name;email_consent;sms_consent',
      'frank@example.test;;Frank;oui;',
      'not-an-email;;Gina;yes;',
      'hugo@example.test;0612345678;Hugo;yes;yes',
      'frank@example.test;;Frank bis;yes;',
      'ines@example.test;;Inès;maybe;',
    ].join('\n');
    const { importContacts: failed } = await ok<{ importContacts: { created: number; errors: Array<{ line: number; field: string; message: string }> } }>(who(A),
      'mutation($l: ID!, $c: String!) { importContacts(listId: $l, csv: $c) { created errors { line field message } } }', { l: listId, c: broken });
    expect(failed.created).toBe(0);
    expect(failed.errors.map((e) => [e.line, e.field])).toEqual([[3, 'email'], [4, 'phone'], [5, 'email'], [6, 'email_consent']]);
    const { rows: none } = await f.admin.query(`select count(*)::int as n from content.contact where tenant_id = $1 and email like 'frank%'`, [A]);
    expect(none[0].n).toBe(0);

    const good = '\uFEFFemail,phone,first_name,email_consent,sms_consent\nfrank@example.test,,Frank,oui,\n"hugo@example.test","+33 6 98 76 54 32","Hugo",yes,yes\neve@example.test,,,,\n';
    const { importContacts } = await ok<{ importContacts: Record<string, unknown> }>(who(A),
      'mutation($l: ID!, $c: String!) { importContacts(listId: $l, csv: $c) { rows created updated addedToList consentsRecorded errors { line } } }', { l: listId, c: good });
    expect(importContacts).toEqual({ rows: 3, created: 2, updated: 1, addedToList: 2, consentsRecorded: 3, errors: [] });
    const again = await ok<{ importContacts: Record<string, unknown> }>(who(A),
      'mutation($l: ID!, $c: String!) { importContacts(listId: $l, csv: $c) { created updated addedToList consentsRecorded } }', { l: listId, c: good });
    expect(again.importContacts).toEqual({ created: 0, updated: 3, addedToList: 0, consentsRecorded: 0 });
    const { contacts } = await ok<{ contacts: { total: number; contacts: Array<{ email: string; consents: Array<{ channel: string; status: string; source: string }> }> } }>(who(A),
      `query($l: ID) { contacts(listId: $l, search: "hugo") { total contacts { ${CONTACT_FIELDS} } } }`, { l: listId });
    expect(contacts.total).toBe(1);
    expect(contacts.contacts[0]!.consents).toEqual(expect.arrayContaining([
      { channel: 'EMAIL', status: 'GRANTED', source: 'import' }, { channel: 'SMS', status: 'GRANTED', source: 'import' },
    ]));
  });

  it('needs content:write to change contacts', async () => {
    const viewer = await gql(who(A, ['content:read']), 'mutation($l: ID!, $c: String!) { importContacts(listId: $l, csv: $c) { created } }', { l: listId, c: 'email\nz@example.test' });
    expect(viewer.errors?.[0]?.extensions['code']).toBe('FORBIDDEN');
  });

  it("keeps B away from A's lists and contacts", async () => {
    const list = await gql(who(B), 'query($id: ID!) { contactList(id: $id) { id } }', { id: listId });
    expect(list.errors?.[0]?.extensions['code']).toBe('NOT_FOUND');
    const { contacts } = await ok<{ contacts: { total: number } }>(who(B), '{ contacts { total } }');
    expect(contacts.total).toBe(0);
    const imported = await gql(who(B), 'mutation($l: ID!, $c: String!) { importContacts(listId: $l, csv: $c) { created } }', { l: listId, c: 'email\nz@example.test' });
    expect(imported.errors?.[0]?.extensions['code']).toBe('NOT_FOUND');
    const { rows } = await f.admin.query(`select id from content.contact where tenant_id = $1 and email = 'eve@example.test'`, [A]);
    const contact = await gql(who(B), 'query($id: ID!) { contact(id: $id) { id } }', { id: rows[0].id });
    expect(contact.errors?.[0]?.extensions['code']).toBe('NOT_FOUND');
  });
});

describe('unsubscribe without an account', () => {
  it('the @public mutation withdraws the consent the token stands for', async () => {
    const { rows } = await f.admin.query(`select id from content.contact where tenant_id = $1 and email = 'eve@example.test'`, [A]);
    const token = await inTenant(f, A, (em) => createUnsubscribeToken(em, A, rows[0].id, 'email', null));
    const first = await ok<{ unsubscribe: Record<string, unknown> }>(ANONYMOUS, 'mutation($t: String!) { unsubscribe(token: $t) { channel senderName alreadyUnsubscribed } }', { t: token });
    expect(first.unsubscribe).toEqual({ channel: 'EMAIL', senderName: 'Maison Lumière', alreadyUnsubscribed: false });
    const second = await ok<{ unsubscribe: Record<string, unknown> }>(ANONYMOUS, 'mutation($t: String!) { unsubscribe(token: $t) { alreadyUnsubscribed } }', { t: token });
    expect(second.unsubscribe).toEqual({ alreadyUnsubscribed: true });
    const unknown = await gql(ANONYMOUS, 'mutation { unsubscribe(token: "AAAAAAAAAAAAAAAAAAAAAAAAAAAA") { channel } }');
    expect(unknown.errors?.[0]?.extensions['code']).toBe('NOT_FOUND');
  });

  it('answers the RFC 8058 one-click POST a mail client sends', async () => {
    const { rows } = await f.admin.query(`select id from content.contact where tenant_id = $1 and email = 'frank@example.test'`, [A]);
    const token = await inTenant(f, A, (em) => createUnsubscribeToken(em, A, rows[0].id, 'email', null));
    const server = createServer(oneClickUnsubscribeHandler(f.orm));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const post = (path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect((await post(`/u/${token}`, 'something=else')).status).toBe(400);
      expect((await fetch(`${base}/u/${token}`)).status).toBe(405);
      expect((await post('/u/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', 'List-Unsubscribe=One-Click')).status).toBe(404);
      // Nothing changed so far.
      const before = await f.admin.query(`select status from content.consent where contact_id = $1 and channel = 'email' order by occurred_at desc limit 1`, [rows[0].id]);
      expect(before.rows[0].status).toBe('granted');
      expect((await post(`/u/${token}`, 'List-Unsubscribe=One-Click')).status).toBe(200);
      const after = await f.admin.query(`select status, source from content.consent where contact_id = $1 and channel = 'email' order by occurred_at desc limit 1`, [rows[0].id]);
      expect(after.rows[0]).toEqual({ status: 'withdrawn', source: 'unsubscribe_link' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('SMS STOP through Twilio\'s inbound webhook', () => {
  const accountSid = 'AC11111111111111111111111111111111';
  const authToken = 'inbound-auth-token-abcdef';
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    await connect(f, A, 'sms', { connector: 'twilio', displayName: 'Twilio', externalAccountId: accountSid, settings: { accountSid, from: '+33700000001' }, credentials: { secret: authToken } });
    const server = createServer(inboundSmsHandler(f.orm, (path) => `https://hooks.example.test${path}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });

  afterAll(async () => {
    await close?.();
  });

  const params = (body: string) => ({ AccountSid: accountSid, From: '+33698765432', To: '+33700000001', Body: body, MessageSid: 'SM0123' });
  async function post(form: Record<string, string>, signature: string) {
    return fetch(`${url}/hooks/twilio/sms`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(form) });
  }
  const smsConsent = async () => (await f.admin.query(
    `select x.status, x.source from content.consent x join content.contact c on c.id = x.contact_id where c.phone = '+33698765432' and x.channel = 'sms' order by x.occurred_at desc limit 1`)).rows[0];

  it('withdraws SMS consent on STOP (signed), and grants it again on START', async () => {
    expect(await smsConsent()).toEqual({ status: 'granted', source: 'import' });
    const stop = params('Stop');
    const response = await post(stop, twilioSignature(authToken, 'https://hooks.example.test/hooks/twilio/sms', stop));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<Response/>');
    expect(await smsConsent()).toEqual({ status: 'withdrawn', source: 'api' });
    const start = params('START');
    expect(await handleInboundSms(f.orm, { url: 'https://hooks.example.test/x', params: start, signature: twilioSignature(authToken, 'https://hooks.example.test/x', start) }))
      .toEqual({ action: 'opted_in', contacts: 1 });
    expect((await smsConsent()).status).toBe('granted');
  });

  it('refuses an unsigned or forged request, and an unknown number, the same way', async () => {
    const stop = params('STOP');
    expect((await post(stop, 'forged')).status).toBe(403);
    expect((await post(stop, twilioSignature('another-token', 'https://hooks.example.test/hooks/twilio/sms', stop))).status).toBe(403);
    const elsewhere = { ...stop, To: '+33799999999' };
    expect((await post(elsewhere, twilioSignature(authToken, 'https://hooks.example.test/hooks/twilio/sms', elsewhere))).status).toBe(403);
    expect((await smsConsent()).status).toBe('granted');
  });
});
