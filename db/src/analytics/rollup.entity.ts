import { defineEntity, p } from '@mikro-orm/postgresql';

/** A2: daily rollups for the dashboards, in each client's own time zone. */
export const EventDaily = defineEntity({
  name: 'EventDaily',
  tableName: 'analytics.event_daily',
  properties: {
    tenantId: p.uuid().primary(),
    day: p.date().primary(),
    name: p.text().primary(),
    source: p.text().primary(),
    utmSource: p.text().primary().default(''),
    utmMedium: p.text().primary().default(''),
    utmCampaign: p.text().primary().default(''),
    events: p.bigint('number'),
    visitors: p.bigint('number'),
  },
});
export type EventDailyRow = InstanceType<typeof EventDaily.class>;

/** A2/A6: conversions and value per local day, conversion name and campaign. */
export const ConversionDaily = defineEntity({
  name: 'ConversionDaily',
  tableName: 'analytics.conversion_daily',
  properties: {
    tenantId: p.uuid().primary(),
    day: p.date().primary(),
    name: p.text().primary(),
    utmCampaign: p.text().primary().default(''),
    currency: p.text().primary().default(''),
    conversions: p.bigint('number'),
    valueMinor: p.bigint('number'),
  },
});
export type ConversionDailyRow = InstanceType<typeof ConversionDaily.class>;
