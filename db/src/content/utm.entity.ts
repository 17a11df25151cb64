import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** C10/A6: a campaign is what utm_campaign names; revenue ties back to it. */
export const Campaign = defineEntity({
  name: 'Campaign',
  tableName: 'content.campaign',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    name: p.text(),
    utmCampaign: p.text(),
    description: p.text().default(''),
    startsOn: p.date().nullable(),
    endsOn: p.date().nullable(),
    budgetMinor: p.bigint('number').nullable(),
    currency: p.character().length(3).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CampaignRow = InstanceType<typeof Campaign.class>;

/** C10: every link in published content, tagged. */
export const UtmLink = defineEntity({
  name: 'UtmLink',
  tableName: 'content.utm_link',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    itemId: p.uuid().nullable(),
    publicationId: p.uuid().nullable(),
    campaignId: p.uuid().nullable(),
    destinationUrl: p.text(),
    utmSource: p.text(),
    utmMedium: p.text(),
    utmCampaign: p.text(),
    utmContent: p.text().nullable(),
    utmTerm: p.text().nullable(),
    taggedUrl: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type UtmLinkRow = InstanceType<typeof UtmLink.class>;
