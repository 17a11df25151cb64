import { describe, expect, it } from 'vitest';
import { withTenant } from '@ensemble/db/orm';
import { DEMO } from '@ensemble/db/seed';
import { useTestDatabase } from '@ensemble/testing/database';
import { createDraft } from '../../studio/studio.service.ts';
import { tagLinks, utmTagsFor } from '../utm-tagger.ts';
import { ensureCampaign, listUtmLinks, recordUtmLinks } from '../utm.service.ts';

const db = useTestDatabase();
const A = DEMO.logins.clientAdmin.tenantId;
const B = DEMO.logins.fitnessAdmin.tenantId;

describe('the attribution mapping', () => {
  it('stores every tagged link of an item once, with its campaign', async () => {
    const item = await withTenant(db.orm, A, null, ({ em }) => createDraft(em, A, null, { channel: 'LINKEDIN', title: 'Spring', body: 'x', slug: 'spring-menu', locale: 'en' }));
    const context = { channel: 'linkedin' as const, month: '2026-04', slug: 'spring-menu', campaign: 'Printemps 2026' };
    const tags = utmTagsFor(context);
    const { links } = tagLinks('Book at [our site](https://soleil.example/book) or https://soleil.example/menu?lang=fr — [again](https://soleil.example/book)', context);
    expect(links).toHaveLength(3);

    const record = () => withTenant(db.orm, A, null, async ({ em }) => {
      const campaignId = await ensureCampaign(em, { tenantId: A, utmCampaign: tags.campaign, name: 'Printemps 2026' });
      return recordUtmLinks(em, { tenantId: A, itemId: item.id, publicationId: null, campaignId, tags, links });
    });
    expect(await record()).toBe(2); // the repeated link is one row
    expect(await record()).toBe(0); // a retry adds nothing

    const stored = await withTenant(db.orm, A, null, ({ em }) => listUtmLinks(em, item.id));
    expect(stored.map((l) => [l.destinationUrl, l.source, l.medium, l.campaign, l.content])).toEqual([
      ['https://soleil.example/book', 'linkedin', 'social', 'printemps_2026', 'spring_menu'],
      ['https://soleil.example/menu?lang=fr', 'linkedin', 'social', 'printemps_2026', 'spring_menu'],
    ]);
    expect(stored.every((l) => l.taggedUrl.includes('utm_campaign=printemps_2026') && l.campaignId !== null)).toBe(true);
    const { rows } = await db.admin.query('select count(*)::int as n from content.campaign where tenant_id = $1 and utm_campaign = $2', [A, 'printemps_2026']);
    expect(rows[0].n).toBe(1);
  });

  it("keeps tenants apart: B can neither read A's links nor record links on A's item", async () => {
    const item = await withTenant(db.orm, A, null, ({ em }) => createDraft(em, A, null, { channel: 'BLOG', title: 'Private', body: 'x', locale: 'en' }));
    const tags = utmTagsFor({ channel: 'blog', month: '2026-04', slug: 'private' });
    const { links } = tagLinks('[x](https://a.example/private)', tags);
    await withTenant(db.orm, A, null, ({ em }) => recordUtmLinks(em, { tenantId: A, itemId: item.id, publicationId: null, campaignId: null, tags, links }));

    await expect(withTenant(db.orm, B, null, ({ em }) => listUtmLinks(em, item.id))).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(withTenant(db.orm, B, null, ({ em }) => listUtmLinks(em, 'garbage'))).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    // Writing into A's rows from B's transaction: refused by row-level security.
    await expect(withTenant(db.orm, B, null, ({ em }) =>
      recordUtmLinks(em, { tenantId: A, itemId: item.id, publicationId: null, campaignId: null, tags, links: [{ destination: 'https://b.example', tagged: 'https://b.example?x' }] }))).rejects.toThrow();
    const bLinks = await withTenant(db.orm, B, null, async ({ em }) => em.getConnection().execute<Array<{ n: number }>>('select count(*)::int as n from content.utm_link', [], 'all', em.getTransactionContext()));
    const { rows } = await db.admin.query('select count(*)::int as n from content.utm_link where tenant_id = $1', [B]);
    expect(bLinks[0]?.n).toBe(rows[0].n);
  });
});
