// C8: contact lists, contacts and their consent. Consent is an append-only
// log (content.consent): a contact's consent for a channel is its latest row
// for that channel (marketing purpose). E-mails and SMS go only to contacts
// whose current consent for the channel is "granted".
import { createHash, randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { EntityManager } from '@ensemble/db/orm';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId } from '@ensemble/tenancy/ids';
import { sql, toDate, toDateOrNull } from '../pipeline/sql.ts';

export type ConsentChannel = 'email' | 'sms';
export type ConsentSource = 'form' | 'import' | 'unsubscribe_link' | 'manual' | 'api' | 'double_opt_in';
export const CONSENT_CHANNELS: readonly ConsentChannel[] = ['email', 'sms'];

export interface ConsentState {
  channel: ConsentChannel;
  status: 'granted' | 'withdrawn';
  source: ConsentSource;
  at: Date;
}

export interface ContactView {
  id: string;
  tenantId: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string;
  status: 'active' | 'unsubscribed' | 'bounced' | 'erased';
  source: string;
  createdAt: Date;
  consents: ConsentState[];
  listIds: string[];
}

export interface ListView {
  id: string;
  name: string;
  description: string;
  locale: string;
  createdAt: Date;
  members: number;
  emailConsents: number;
  smsConsents: number;
}

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;
const LOCALE = /^[a-z]{2}(-[A-Z]{2})?$/;
const MAX_NAME = 200;

export function normaliseEmail(value: string | null | undefined): string | null {
  const trimmed = value?.trim().toLowerCase() ?? '';
  if (trimmed === '') return null;
  if (trimmed.length > 254 || !EMAIL.test(trimmed)) throw badInput(`"${value}" is not an e-mail address`, 'email');
  return trimmed;
}

/** E.164 only: national numbers are ambiguous without a country. */
export function normalisePhone(value: string | null | undefined): string | null {
  const raw = value?.trim() ?? '';
  if (raw === '') return null;
  const compact = raw.replace(/[\s.()-]/g, '').replace(/^00/, '+');
  if (!/^\+[1-9]\d{6,14}$/.test(compact)) throw badInput(`"${value}" is not a phone number in international form (+33612345678)`, 'phone');
  return compact;
}

function optionalName(value: string | null | undefined, field: string): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length > MAX_NAME) throw badInput(`${field} is longer than ${MAX_NAME} characters`, field);
  return trimmed === '' ? null : trimmed;
}

function locale(value: string | null | undefined, fallback: string): string {
  const v = value?.trim() || fallback;
  if (!LOCALE.test(v)) throw badInput(`"${v}" is not a locale (en, fr, fr-FR…)`, 'locale');
  return v;
}

// --- lists -------------------------------------------------------------------

export async function listLists(em: EntityManager): Promise<ListView[]> {
  const rows = await sql<{ id: string; name: string; description: string; locale: string; created_at: unknown; members: string; email_consents: string; sms_consents: string }>(em, `
    with latest as (
      select distinct on (contact_id, channel) contact_id, channel, status
        from content.consent where purpose = 'marketing'
       order by contact_id, channel, occurred_at desc, id desc)
    select l.id, l.name, l.description, l.locale, l.created_at,
           count(m.contact_id) as members,
           count(m.contact_id) filter (where c.email is not null and c.status = 'active' and exists (select 1 from latest x where x.contact_id = m.contact_id and x.channel = 'email' and x.status = 'granted')) as email_consents,
           count(m.contact_id) filter (where c.phone is not null and c.status = 'active' and exists (select 1 from latest x where x.contact_id = m.contact_id and x.channel = 'sms' and x.status = 'granted')) as sms_consents
      from content.contact_list l
      left join content.contact_list_member m on m.tenant_id = l.tenant_id and m.list_id = l.id
      left join content.contact c on c.tenant_id = m.tenant_id and c.id = m.contact_id
     where l.kind = 'static'
     group by l.id order by l.name`);
  return rows.map((r) => ({
    id: r.id, name: r.name, description: r.description, locale: r.locale, createdAt: toDate(r.created_at),
    members: Number(r.members), emailConsents: Number(r.email_consents), smsConsents: Number(r.sms_consents),
  }));
}

export async function getList(em: EntityManager, listId: string): Promise<ListView> {
  if (!isUuid(listId)) throw notFound('Contact list');
  const list = (await listLists(em)).find((l) => l.id === listId);
  if (!list) throw notFound('Contact list');
  return list;
}

export interface ListInput {
  name: string;
  description?: string | null;
  locale?: string | null;
}

function listFields(input: ListInput, fallbackLocale: string) {
  const name = input.name?.trim() ?? '';
  if (name === '' || name.length > 120) throw badInput('a list needs a name of 1 to 120 characters', 'name');
  const description = (input.description ?? '').trim();
  if (description.length > 1000) throw badInput('the description is longer than 1000 characters', 'description');
  return { name, description, locale: locale(input.locale, fallbackLocale) };
}

async function uniqueName<T>(work: () => Promise<T>, name: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new AppError('CONFLICT', `a list named "${name}" already exists`, { field: 'name' });
    throw error;
  }
}

export async function createList(em: EntityManager, tenantId: string, input: ListInput): Promise<ListView> {
  const [tenant] = await sql<{ locale: string }>(em, `select locale from tenants.tenant where id = ?`, [tenantId]);
  const fields = listFields(input, tenant?.locale ?? 'en');
  const id = newId();
  await uniqueName(() => sql(em, `insert into content.contact_list (id, tenant_id, name, description, locale) values (?, ?, ?, ?, ?)`,
    [id, tenantId, fields.name, fields.description, fields.locale]), fields.name);
  return getList(em, id);
}

export async function updateList(em: EntityManager, listId: string, input: ListInput): Promise<ListView> {
  const current = await getList(em, listId);
  const fields = listFields(input, current.locale);
  await uniqueName(() => sql(em, `update content.contact_list set name = ?, description = ?, locale = ? where id = ?`,
    [fields.name, fields.description, fields.locale, listId]), fields.name);
  return getList(em, listId);
}

export async function deleteList(em: EntityManager, listId: string): Promise<boolean> {
  await getList(em, listId);
  const [used] = await sql<{ n: string }>(em, `select count(*) as n from content.channel where settings ->> 'listId' = ?`, [listId]);
  if (Number(used?.n ?? 0) > 0) throw new AppError('CONFLICT', 'a channel sends to this list: choose another list for the channel first');
  await sql(em, `delete from content.contact_list where id = ?`, [listId]);
  return true;
}

// --- contacts ----------------------------------------------------------------

interface ContactRow {
  id: string;
  tenant_id: string;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  locale: string;
  status: ContactView['status'];
  source: string;
  created_at: unknown;
}

async function viewsOf(em: EntityManager, rows: ContactRow[]): Promise<ContactView[]> {
  if (!rows.length) return [];
  const ids = JSON.stringify(rows.map((r) => r.id));
  const consents = await sql<{ contact_id: string; channel: ConsentChannel; status: 'granted' | 'withdrawn'; source: ConsentSource; occurred_at: unknown }>(em, `
    select distinct on (contact_id, channel) contact_id, channel, status, source, occurred_at
      from content.consent
     where purpose = 'marketing' and contact_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
     order by contact_id, channel, occurred_at desc, id desc`, [ids]);
  const members = await sql<{ contact_id: string; list_id: string }>(em,
    `select contact_id, list_id from content.contact_list_member where contact_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`, [ids]);
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    email: r.email,
    phone: r.phone,
    firstName: r.first_name,
    lastName: r.last_name,
    locale: r.locale,
    status: r.status,
    source: r.source,
    createdAt: toDate(r.created_at),
    consents: consents.filter((c) => c.contact_id === r.id).map((c) => ({ channel: c.channel, status: c.status, source: c.source, at: toDate(c.occurred_at) })),
    listIds: members.filter((m) => m.contact_id === r.id).map((m) => m.list_id),
  }));
}

export async function getContact(em: EntityManager, contactId: string): Promise<ContactView> {
  if (!isUuid(contactId)) throw notFound('Contact');
  const rows = await sql<ContactRow>(em, `select * from content.contact where id = ? and status <> 'erased'`, [contactId]);
  const [view] = await viewsOf(em, rows);
  if (!view) throw notFound('Contact');
  return view;
}

export interface ContactQuery {
  listId?: string | null;
  search?: string | null;
  limit?: number;
  offset?: number;
}

export async function listContacts(em: EntityManager, query: ContactQuery): Promise<{ total: number; contacts: ContactView[] }> {
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badInput('limit must be between 1 and 500', 'limit');
  if (!Number.isInteger(offset) || offset < 0) throw badInput('offset must not be negative', 'offset');
  if (query.listId) await getList(em, query.listId);
  const search = query.search?.trim() ? `%${query.search.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const where = `c.status <> 'erased'
    and (?::uuid is null or exists (select 1 from content.contact_list_member m where m.contact_id = c.id and m.list_id = ?::uuid))
    and (?::text is null or lower(coalesce(c.email, '') || ' ' || coalesce(c.phone, '') || ' ' || coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) like ?)`;
  const params = [query.listId ?? null, query.listId ?? null, search, search];
  const [count] = await sql<{ n: string }>(em, `select count(*) as n from content.contact c where ${where}`, params);
  const rows = await sql<ContactRow>(em, `select c.* from content.contact c where ${where} order by c.created_at desc, c.id desc limit ? offset ?`, [...params, limit, offset]);
  return { total: Number(count?.n ?? 0), contacts: await viewsOf(em, rows) };
}

export interface ContactInput {
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  locale?: string | null;
  listIds?: string[] | null;
  /** consent given now, per channel (true = granted, false = withdrawn, absent = unchanged) */
  emailConsent?: boolean | null;
  smsConsent?: boolean | null;
  /** what was shown and where, kept with the consent */
  consentProof?: Record<string, unknown> | null;
}

interface ValidContact {
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string;
}

function validContact(input: ContactInput, fallbackLocale: string): ValidContact {
  const email = normaliseEmail(input.email);
  const phone = normalisePhone(input.phone);
  if (!email && !phone) throw badInput('a contact needs an e-mail address or a phone number', 'email');
  if (input.emailConsent && !email) throw badInput('e-mail consent needs an e-mail address', 'emailConsent');
  if (input.smsConsent && !phone) throw badInput('SMS consent needs a phone number', 'smsConsent');
  return { email, phone, firstName: optionalName(input.firstName, 'firstName'), lastName: optionalName(input.lastName, 'lastName'), locale: locale(input.locale, fallbackLocale) };
}

async function checkLists(em: EntityManager, listIds: readonly string[]): Promise<void> {
  for (const id of listIds) {
    if (!isUuid(id)) throw notFound('Contact list');
    const [row] = await sql(em, `select id from content.contact_list where id = ? and kind = 'static'`, [id]);
    if (!row) throw notFound('Contact list');
  }
}

async function addToLists(em: EntityManager, tenantId: string, contactId: string, listIds: readonly string[]): Promise<number> {
  let added = 0;
  for (const listId of listIds) {
    const rows = await sql(em, `insert into content.contact_list_member (tenant_id, list_id, contact_id) values (?, ?, ?) on conflict do nothing returning list_id`, [tenantId, listId, contactId]);
    added += rows.length;
  }
  return added;
}

/** Appends a consent row unless the contact's current consent for the channel is already that. Returns whether it changed. */
export async function recordConsent(em: EntityManager, tenantId: string, contactId: string, channel: ConsentChannel, granted: boolean, source: ConsentSource, proof: Record<string, unknown> = {}): Promise<boolean> {
  const status = granted ? 'granted' : 'withdrawn';
  const [latest] = await sql<{ status: string }>(em,
    `select status from content.consent where contact_id = ? and channel = ? and purpose = 'marketing' order by occurred_at desc, id desc limit 1 for update`, [contactId, channel]);
  if (latest?.status === status) return false;
  await sql(em, `insert into content.consent (id, tenant_id, contact_id, channel, purpose, status, source, proof) values (?, ?, ?, ?, 'marketing', ?, ?, ?::jsonb)`,
    [newId(), tenantId, contactId, channel, status, source, JSON.stringify(proof)]);
  return true;
}

function duplicateAddress(error: unknown): AppError | null {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e.code !== '23505') return null;
  const field = /phone/.test(`${e.constraint ?? ''} ${e.message ?? ''}`) ? 'phone' : 'email';
  return new AppError('CONFLICT', `another contact already has this ${field === 'phone' ? 'phone number' : 'e-mail address'}`, { field });
}

export async function createContact(em: EntityManager, tenantId: string, input: ContactInput, source: 'manual' | 'api' | 'form' = 'manual'): Promise<ContactView> {
  const [tenant] = await sql<{ locale: string }>(em, `select locale from tenants.tenant where id = ?`, [tenantId]);
  const fields = validContact(input, tenant?.locale ?? 'en');
  const listIds = [...new Set(input.listIds ?? [])];
  await checkLists(em, listIds);
  const id = newId();
  try {
    await sql(em, `insert into content.contact (id, tenant_id, email, phone, first_name, last_name, locale, source) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, tenantId, fields.email, fields.phone, fields.firstName, fields.lastName, fields.locale, source]);
  } catch (error) {
    throw duplicateAddress(error) ?? error;
  }
  await addToLists(em, tenantId, id, listIds);
  const consentSource: ConsentSource = source === 'form' ? 'form' : source === 'api' ? 'api' : 'manual';
  const proof = input.consentProof ?? {};
  if (typeof input.emailConsent === 'boolean') await recordConsent(em, tenantId, id, 'email', input.emailConsent, consentSource, proof);
  if (typeof input.smsConsent === 'boolean') await recordConsent(em, tenantId, id, 'sms', input.smsConsent, consentSource, proof);
  return getContact(em, id);
}

export async function updateContact(em: EntityManager, contactId: string, input: ContactInput): Promise<ContactView> {
  const current = await getContact(em, contactId);
  const fields = validContact({
    ...input,
    email: input.email === undefined ? current.email : input.email,
    phone: input.phone === undefined ? current.phone : input.phone,
  }, current.locale);
  try {
    await sql(em, `update content.contact set email = ?, phone = ?, first_name = ?, last_name = ?, locale = ?, updated_at = now() where id = ?`,
      [fields.email, fields.phone, input.firstName === undefined ? current.firstName : fields.firstName,
        input.lastName === undefined ? current.lastName : fields.lastName, fields.locale, contactId]);
  } catch (error) {
    throw duplicateAddress(error) ?? error;
  }
  if (input.listIds) {
    const listIds = [...new Set(input.listIds)];
    await checkLists(em, listIds);
    await sql(em, `delete from content.contact_list_member where contact_id = ? and not (list_id::text in (select jsonb_array_elements_text(?::jsonb)))`, [contactId, JSON.stringify(listIds)]);
    await addToLists(em, current.tenantId, contactId, listIds);
  }
  const proof = input.consentProof ?? {};
  if (typeof input.emailConsent === 'boolean') await recordConsent(em, current.tenantId, contactId, 'email', input.emailConsent, 'manual', proof);
  if (typeof input.smsConsent === 'boolean') await recordConsent(em, current.tenantId, contactId, 'sms', input.smsConsent, 'manual', proof);
  return getContact(em, contactId);
}

export async function deleteContact(em: EntityManager, contactId: string): Promise<boolean> {
  await getContact(em, contactId);
  // Sends keep their history without the person (message_send.contact_id is set null).
  await sql(em, `delete from content.contact where id = ?`, [contactId]);
  return true;
}

// --- CSV import ----------------------------------------------------------------

export interface ImportRowError {
  /** 1-based line of the file (the header is line 1) */
  line: number;
  field: string | null;
  message: string;
}

export interface ImportResult {
  rows: number;
  created: number;
  updated: number;
  addedToList: number;
  consentsRecorded: number;
  /** when not empty, nothing was written */
  errors: ImportRowError[];
}

export const MAX_IMPORT_ROWS = 10_000;
export const MAX_IMPORT_BYTES = 2_000_000;

const HEADER_ALIASES: Record<string, keyof ImportRecord> = {
  email: 'email', 'e-mail': 'email', mail: 'email', courriel: 'email',
  phone: 'phone', mobile: 'phone', telephone: 'phone', 'téléphone': 'phone', tel: 'phone',
  first_name: 'firstName', firstname: 'firstName', 'first name': 'firstName', 'prénom': 'firstName', prenom: 'firstName',
  last_name: 'lastName', lastname: 'lastName', 'last name': 'lastName', nom: 'lastName',
  locale: 'locale', language: 'locale', langue: 'locale',
  email_consent: 'emailConsent', 'email consent': 'emailConsent', consent_email: 'emailConsent',
  sms_consent: 'smsConsent', 'sms consent': 'smsConsent', consent_sms: 'smsConsent',
};

interface ImportRecord {
  email: string;
  phone: string;
  firstName: string;
  lastName: string;
  locale: string;
  emailConsent: string;
  smsConsent: string;
}

const YES = new Set(['yes', 'y', 'true', '1', 'oui', 'o', 'granted', 'x']);
const NO = new Set(['no', 'n', 'false', '0', 'non', 'withdrawn', '']);

function consentCell(value: string | undefined, field: string, line: number, errors: ImportRowError[]): boolean | null {
  if (value === undefined) return null;
  const v = value.trim().toLowerCase();
  if (YES.has(v)) return true;
  if (NO.has(v)) return v === '' ? null : false;
  errors.push({ line, field, message: `"${value}" is not yes or no` });
  return null;
}

export interface ImportInput {
  listId: string;
  csv: string;
  /** where the consents in the file were collected (kept as proof) */
  consentProof?: Record<string, unknown> | null;
}

/**
 * Validates every row first; any error → nothing is written and every error
 * is returned with its line. Otherwise contacts are created or matched by
 * e-mail / phone, added to the list, and consents in the file recorded.
 */
export async function importContacts(em: EntityManager, tenantId: string, input: ImportInput): Promise<ImportResult> {
  const list = await getList(em, input.listId);
  if (Buffer.byteLength(input.csv, 'utf8') > MAX_IMPORT_BYTES) throw badInput(`the file is larger than ${MAX_IMPORT_BYTES / 1_000_000} MB`, 'csv');
  let records: string[][];
  try {
    records = parse(input.csv.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true, trim: true, delimiter: detectDelimiter(input.csv) }) as string[][];
  } catch (error) {
    throw badInput(`the file is not valid CSV: ${(error as Error).message}`, 'csv');
  }
  const [header, ...body] = records;
  if (!header) throw badInput('the file is empty', 'csv');
  const columns = header.map((h) => HEADER_ALIASES[h.trim().toLowerCase()] ?? null);
  if (!columns.includes('email') && !columns.includes('phone')) throw badInput('the first line must name an "email" or a "phone" column', 'csv');
  if (body.length > MAX_IMPORT_ROWS) throw badInput(`at most ${MAX_IMPORT_ROWS} rows per import`, 'csv');

  const errors: ImportRowError[] = [];
  const valid: Array<{ line: number; contact: ValidContact; emailConsent: boolean | null; smsConsent: boolean | null }> = [];
  const seen = new Map<string, number>();
  body.forEach((cells, index) => {
    const line = index + 2;
    const record: Partial<ImportRecord> = {};
    columns.forEach((column, i) => { if (column) record[column] = cells[i] ?? ''; });
    const rowErrors: ImportRowError[] = [];
    const emailConsent = consentCell(record.emailConsent, 'email_consent', line, rowErrors);
    const smsConsent = consentCell(record.smsConsent, 'sms_consent', line, rowErrors);
    let contact: ValidContact | null = null;
    try {
      contact = validContact({ email: record.email, phone: record.phone, firstName: record.firstName, lastName: record.lastName, locale: record.locale, emailConsent, smsConsent }, list.locale);
    } catch (error) {
      const e = error as AppError;
      rowErrors.push({ line, field: (e.extensions?.['field'] as string | undefined) ?? null, message: e.message });
    }
    for (const key of [contact?.email, contact?.phone]) {
      if (!key) continue;
      const first = seen.get(key);
      if (first) rowErrors.push({ line, field: key.startsWith('+') ? 'phone' : 'email', message: `${key} is already on line ${first}` });
      else seen.set(key, line);
    }
    if (rowErrors.length || !contact) errors.push(...rowErrors);
    else valid.push({ line, contact, emailConsent, smsConsent });
  });
  const result: ImportResult = { rows: body.length, created: 0, updated: 0, addedToList: 0, consentsRecorded: 0, errors: errors.slice(0, 200) };
  if (errors.length) return result;

  const importedAt = new Date().toISOString();
  for (const row of valid) {
    const { contact } = row;
    const [existing] = await sql<{ id: string; email: string | null; phone: string | null }>(em,
      `select id, email, phone from content.contact where (email = ? or phone = ?) and status <> 'erased' order by created_at limit 2`, [contact.email, contact.phone]);
    let id: string;
    if (existing) {
      id = existing.id;
      try {
        await sql(em, `update content.contact set email = coalesce(email, ?), phone = coalesce(phone, ?), first_name = coalesce(?, first_name),
                         last_name = coalesce(?, last_name), updated_at = now() where id = ?`,
        [contact.email, contact.phone, contact.firstName, contact.lastName, id]);
      } catch (error) {
        const conflict = duplicateAddress(error);
        if (!conflict) throw error;
        result.errors.push({ line: row.line, field: conflict.extensions['field'] as string, message: 'the e-mail and the phone belong to two different contacts' });
        continue;
      }
      result.updated += 1;
    } else {
      id = newId();
      await sql(em, `insert into content.contact (id, tenant_id, email, phone, first_name, last_name, locale, source) values (?, ?, ?, ?, ?, ?, ?, 'import')`,
        [id, tenantId, contact.email, contact.phone, contact.firstName, contact.lastName, contact.locale]);
      result.created += 1;
    }
    result.addedToList += await addToLists(em, tenantId, id, [list.id]);
    const proof = { ...input.consentProof, import: { listId: list.id, line: row.line, at: importedAt } };
    if (row.emailConsent !== null && (await recordConsent(em, tenantId, id, 'email', row.emailConsent, 'import', proof))) result.consentsRecorded += 1;
    if (row.smsConsent !== null && (await recordConsent(em, tenantId, id, 'sms', row.smsConsent, 'import', proof))) result.consentsRecorded += 1;
  }
  if (result.errors.length) {
    // A conflict found while writing: undo the whole import (the caller's transaction).
    throw new AppError('BAD_USER_INPUT', `${result.errors.length} row(s) conflict with existing contacts`, { field: 'csv', rowErrors: result.errors });
  }
  return result;
}

function detectDelimiter(csv: string): string {
  const first = csv.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length] as const);
  return counts.sort((a, b) => b[1] - a[1])[0]![0];
}

// --- recipients and unsubscribe -------------------------------------------------

export interface ConsentingRecipient {
  contactId: string;
  address: string;
  firstName: string | null;
  locale: string;
}

/** Members of the list who may receive marketing on this channel right now. */
export async function consentingRecipients(em: EntityManager, listId: string, channel: ConsentChannel): Promise<ConsentingRecipient[]> {
  const address = channel === 'email' ? 'c.email' : 'c.phone';
  const rows = await sql<{ id: string; address: string; first_name: string | null; locale: string }>(em, `
    select c.id, ${address} as address, c.first_name, c.locale
      from content.contact_list_member m
      join content.contact c on c.tenant_id = m.tenant_id and c.id = m.contact_id
     where m.list_id = ? and c.status = 'active' and ${address} is not null
       and (select x.status from content.consent x where x.contact_id = c.id and x.channel = ? and x.purpose = 'marketing'
             order by x.occurred_at desc, x.id desc limit 1) = 'granted'
     order by c.created_at, c.id`, [listId, channel]);
  return rows.map((r) => ({ contactId: r.id, address: r.address, firstName: r.first_name, locale: r.locale }));
}

/** True when the contact may receive marketing on the channel right now (checked again just before each send). */
export async function hasConsent(em: EntityManager, contactId: string, channel: ConsentChannel): Promise<boolean> {
  const [row] = await sql<{ ok: boolean }>(em, `
    select c.status = 'active' and (select x.status from content.consent x where x.contact_id = c.id and x.channel = ? and x.purpose = 'marketing'
                                     order by x.occurred_at desc, x.id desc limit 1) = 'granted' as ok
      from content.contact c where c.id = ?`, [channel, contactId]);
  return row?.ok === true;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A fresh one-click unsubscribe token for one message (only its hash is stored). */
export async function createUnsubscribeToken(em: EntityManager, tenantId: string, contactId: string, channel: ConsentChannel, sendId: string | null): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await sql(em, `insert into content.unsubscribe_token (id, tenant_id, contact_id, channel, send_id, token_hash) values (?, ?, ?, ?, ?, ?)`,
    [newId(), tenantId, contactId, channel, sendId, hashToken(token)]);
  return token;
}

export interface UnsubscribeOutcome {
  channel: ConsentChannel;
  /** the business the person unsubscribed from (shown on the confirmation page) */
  senderName: string;
  /** false when the contact had already withdrawn consent */
  changed: boolean;
  at: Date;
}

/** Withdraws the consent a token stands for, inside that token's tenant (entered by the caller). */
export async function applyUnsubscribe(em: EntityManager, token: { tokenId: string; tenantId: string; contactId: string; channel: ConsentChannel; sendId: string | null }, now: Date): Promise<UnsubscribeOutcome> {
  const changed = await recordConsent(em, token.tenantId, token.contactId, token.channel, false, 'unsubscribe_link', { tokenId: token.tokenId, sendId: token.sendId, at: now.toISOString() });
  await sql(em, `update content.unsubscribe_token set used_at = coalesce(used_at, ?) where id = ?`, [now, token.tokenId]);
  if (token.sendId && changed) {
    await sql(em, `insert into content.message_event (id, tenant_id, send_id, kind, occurred_at) values (?, ?, ?, 'unsubscribed', ?)`,
      [newId(), token.tenantId, token.sendId, now]);
  }
  const [sender] = await sql<{ name: string }>(em, `
    select coalesce((select w.brand_name from tenants.white_label w where w.tenant_id = t.id), t.name) as name
      from tenants.tenant t where t.id = ?`, [token.tenantId]);
  const [latest] = await sql<{ occurred_at: unknown }>(em,
    `select occurred_at from content.consent where contact_id = ? and channel = ? and purpose = 'marketing' order by occurred_at desc, id desc limit 1`, [token.contactId, token.channel]);
  return { channel: token.channel, senderName: sender?.name ?? '', changed, at: toDateOrNull(latest?.occurred_at) ?? now };
}
