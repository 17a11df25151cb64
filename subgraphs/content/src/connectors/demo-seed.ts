// Demo data for C8, beside db/src/seed.ts (which knows nothing of connectors'
// behaviour): the bakery's newsletter goes through the platform's SMTP relay
// (`npm start` points SMTP_URL at the local mail catcher) to a small list of
// contacts, three of whom consented. The other channels stay unconnected, so
// their items stay scheduled: honest about what has no account behind it.
// Idempotent: fixed ids, "on conflict do nothing", and a channel a person
// already connected is left alone.
import pg from 'pg';
import { OWNER_ROLE } from '@ensemble/db/connection';
import { DEMO } from '@ensemble/db/seed';
import { uuidV5 } from '../pipeline/deterministic-id.ts';

export const DEMO_PUBLISHING = {
  connectionId: uuidV5('demo:bakery:smtp-relay'),
  listId: uuidV5('demo:bakery:newsletter-list'),
  listName: 'Lettre de Maison Lumière',
  contacts: [
    { email: 'amelie.durand@example.test', firstName: 'Amélie', lastName: 'Durand', consent: true },
    { email: 'hugo.martin@example.test', firstName: 'Hugo', lastName: 'Martin', consent: true },
    { email: 'sarah.benali@example.test', firstName: 'Sarah', lastName: 'Benali', consent: true },
    // On the list without consent: never receives the newsletter.
    { email: 'paul.lefevre@example.test', firstName: 'Paul', lastName: 'Lefèvre', consent: false },
  ],
} as const;

export async function seedDemoPublishing(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const tenant = DEMO.tenants.bakery;
  try {
    await client.query(`set role ${OWNER_ROLE}`);
    await client.query('begin');
    const { rows: [smtp] } = await client.query<{ id: string }>(`select id from tenants.connector where code = 'smtp'`);
    if (!smtp) throw new Error('the connector catalogue has no smtp connector: seed it first');
    await client.query(
      `insert into tenants.connector_connection (id, tenant_id, connector_id, display_name, status, settings)
       values ($1, $2, $3, 'Relais SMTP de la plateforme', 'active', $4::jsonb) on conflict do nothing`,
      [DEMO_PUBLISHING.connectionId, tenant, smtp.id, JSON.stringify({ from: 'Maison Lumière <lettre@maison-lumiere.test>' })]);
    await client.query(
      `insert into content.contact_list (id, tenant_id, name, description, locale) values ($1, $2, $3, $4, 'fr') on conflict do nothing`,
      [DEMO_PUBLISHING.listId, tenant, DEMO_PUBLISHING.listName, 'Abonnés à la lettre mensuelle (démo)']);
    for (const c of DEMO_PUBLISHING.contacts) {
      const id = uuidV5(`demo:bakery:contact:${c.email}`);
      await client.query(
        `insert into content.contact (id, tenant_id, email, first_name, last_name, locale, source) values ($1, $2, $3, $4, $5, 'fr', 'form') on conflict do nothing`,
        [id, tenant, c.email, c.firstName, c.lastName]);
      await client.query(`insert into content.contact_list_member (tenant_id, list_id, contact_id) values ($1, $2, $3) on conflict do nothing`, [tenant, DEMO_PUBLISHING.listId, id]);
      if (c.consent) {
        await client.query(
          `insert into content.consent (id, tenant_id, contact_id, channel, status, source, proof, occurred_at)
           values ($1, $2, $3, 'email', 'granted', 'form', $4::jsonb, '2026-01-15T10:00:00Z') on conflict do nothing`,
          [uuidV5(`demo:bakery:consent:${c.email}`), tenant, id, JSON.stringify({ text: 'Je souhaite recevoir la lettre mensuelle de Maison Lumière.', url: 'https://maison-lumiere.test/lettre' })]);
      }
    }
    await client.query(
      `update content.channel set connection_id = $1, settings = settings || $2::jsonb
        where tenant_id = $3 and kind = 'newsletter' and connection_id is null`,
      [DEMO_PUBLISHING.connectionId, JSON.stringify({ listId: DEMO_PUBLISHING.listId }), tenant]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
