// T6: the shape of a brand DNA document (JSON Schema, draft-07), and its
// validation into field-level errors. Every field but identity.name and
// locale is optional: a DNA grows over time. Unknown fields are refused so a
// typo cannot silently become a field nobody reads.
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { AppError } from '@ensemble/tenancy/errors';

export const CHANNELS = ['blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms'] as const;
/** How a French text addresses the reader; English has only "you". */
export const ADDRESSES = ['tu', 'vous', 'you'] as const;
/** Serialized size limit of one document. */
export const MAX_DNA_BYTES = 128 * 1024;

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });
const texts = (maxItems: number, maxLength = 300) => ({ type: 'array', maxItems, items: text(maxLength) });

const priced = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'price_minor', 'currency'],
  properties: {
    name: text(200),
    description: { type: 'string', maxLength: 1000 },
    // minor units (cents, centimes): no floating-point money
    price_minor: { type: 'integer', minimum: 0, maximum: 1_000_000_000_000 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    unit: { type: 'string', maxLength: 50 },
  },
};

export const BRAND_DNA_SCHEMA = {
  $id: 'https://ensemble.dev/schemas/brand-dna.json',
  type: 'object',
  additionalProperties: false,
  required: ['identity', 'locale'],
  properties: {
    identity: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: text(200),
        tagline: { type: 'string', maxLength: 300 },
        founded: { type: 'integer', minimum: 1000, maximum: 2100 },
        location: { type: 'string', maxLength: 300 },
        story: { type: 'string', maxLength: 5000 },
        website: { type: 'string', maxLength: 500, pattern: '^https?://[^\\s]+$' },
      },
    },
    mission: { type: 'string', maxLength: 2000 },
    values: texts(30),
    offer: {
      type: 'object',
      additionalProperties: false,
      properties: {
        products: { type: 'array', maxItems: 200, items: priced },
        services: { type: 'array', maxItems: 200, items: priced },
      },
    },
    audiences: {
      type: 'array',
      maxItems: 30,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['persona'],
        properties: {
          persona: text(200),
          description: { type: 'string', maxLength: 1000 },
          needs: texts(30),
          objections: texts(30),
        },
      },
    },
    tone: {
      type: 'object',
      additionalProperties: false,
      properties: {
        voice: texts(20, 100),
        address: { enum: [...ADDRESSES] },
        do: texts(30),
        dont: texts(30),
      },
    },
    vocabulary: {
      type: 'object',
      additionalProperties: false,
      properties: { use: texts(200, 100), avoid: texts(200, 100) },
    },
    proof_points: texts(50, 500),
    competitors: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: text(200),
          website: { type: 'string', maxLength: 500, pattern: '^https?://[^\\s]+$' },
          notes: { type: 'string', maxLength: 1000 },
        },
      },
    },
    keywords: texts(100, 150),
    channels: { type: 'array', uniqueItems: true, items: { enum: [...CHANNELS] } },
    locale: { type: 'string', pattern: '^[a-z]{2}(-[A-Z]{2})?$' },
  },
  // French copy must know whether it says "tu" or "vous".
  if: { required: ['locale'], properties: { locale: { pattern: '^fr' } } },
  // JSON Schema's keyword; an object, never a function, so not a thenable.
  // oxlint-disable-next-line unicorn/no-thenable
  then: {
    required: ['tone'],
    properties: { tone: { required: ['address'], properties: { address: { enum: ['tu', 'vous'] } } } },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
const check = ajv.compile(BRAND_DNA_SCHEMA);

export interface FieldError {
  /** dotted path of the field, e.g. "offer.products.0.price_minor" */
  field: string;
  message: string;
}

function fieldOf(error: ErrorObject): string {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
  return segments.join('.') || 'document';
}

function messageOf(error: ErrorObject, field: string): string {
  const fromThen = error.schemaPath.includes('/then/');
  if (fromThen && field === 'tone') return 'a French DNA must set tone.address (tu or vous)';
  if (fromThen && field === 'tone.address') return 'a French DNA addresses the reader as tu or vous';
  switch (error.keyword) {
    case 'required': return 'is required';
    case 'additionalProperties': return 'is not a brand DNA field';
    case 'enum': return `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
      if (field.endsWith('currency')) return 'must be an ISO 4217 code such as EUR';
      if (field === 'locale') return 'must be a locale such as fr or en-GB';
      return 'must be an http(s) address';
    case 'minLength': return 'cannot be empty';
    case 'uniqueItems': return 'lists the same value twice';
    default: return error.message ?? 'is invalid';
  }
}

/** Every field-level problem of a document (empty when valid). */
export function brandDnaErrors(document: unknown): FieldError[] {
  if (JSON.stringify(document ?? null).length > MAX_DNA_BYTES) {
    return [{ field: 'document', message: `is larger than ${MAX_DNA_BYTES / 1024} KB` }];
  }
  if (check(document)) return [];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of check.errors ?? []) {
    if (error.keyword === 'if') continue;
    const field = fieldOf(error);
    const message = messageOf(error, field);
    const id = `${field}\u0000${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ field, message });
  }
  return out;
}

/** Throws BAD_USER_INPUT naming the first field (all of them in extensions.fields). */
export function assertValidBrandDna(document: unknown): asserts document is Record<string, unknown> {
  const errors = brandDnaErrors(document);
  if (errors.length === 0) return;
  const [first] = errors as [FieldError, ...FieldError[]];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  throw new AppError('BAD_USER_INPUT', `${first.field} ${first.message}${more}`, { field: first.field, fields: errors });
}
