import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** A8: forecasts with intervals. */
export const Forecast = defineEntity({
  name: 'Forecast',
  tableName: 'analytics.forecast',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    metric: p.enum(['traffic', 'conversions', 'revenue'] as const),
    granularity: p.enum(['day', 'week', 'month'] as const),
    model: p.text(),
    horizon: p.integer(),
    intervalLevel: p.decimal('number').default(0.8),
    currency: p.character().length(3).nullable(),
    trainingFrom: p.date(),
    trainingTo: p.date(),
    metrics: p.json<Record<string, unknown>>().onCreate(() => ({})),
    generatedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ForecastRow = InstanceType<typeof Forecast.class>;

/** A8: one forecast period with its interval. */
export const ForecastPoint = defineEntity({
  name: 'ForecastPoint',
  tableName: 'analytics.forecast_point',
  properties: {
    tenantId: p.uuid().primary(),
    forecastId: p.uuid().primary(),
    periodStart: p.date().primary(),
    value: p.decimal('number'),
    lower: p.decimal('number'),
    upper: p.decimal('number'),
  },
});
export type ForecastPointRow = InstanceType<typeof ForecastPoint.class>;
