import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type { ApprovalStatus } from '../calendar/calendar.graphql.ts';

export const CHANNELS = ['BLOG', 'LANDING_PAGE', 'LINKEDIN', 'FACEBOOK', 'INSTAGRAM', 'X', 'GOOGLE_BUSINESS', 'NEWSLETTER', 'EMAIL', 'SMS'] as const;
export type Channel = (typeof CHANNELS)[number];

export type ContentStatus = 'DRAFT' | 'IN_REVIEW' | 'APPROVED' | 'SCHEDULED' | 'PUBLISHED' | 'REJECTED' | 'ARCHIVED';

export const CONTENT_MODES = ['MANUAL', 'SEMI', 'AUTO'] as const;
export type ContentMode = (typeof CONTENT_MODES)[number];
export const CONTENT_LENGTHS = ['SHORT', 'MEDIUM', 'LONG'] as const;
export type ContentLength = (typeof CONTENT_LENGTHS)[number];

export interface ContentItem {
  id: string;
  channel: Channel;
  title: string;
  status: ContentStatus;
  mode: ContentMode;
  brief: string | null;
  regenerations: number;
  locale: string;
  keyphrase: string | null;
  slug: string | null;
  metaDescription: string | null;
  body: string;
  currentVersion: number;
  updatedAt: string;
}

export interface DraftInput {
  channel: Channel;
  title: string;
  body: string;
  keyphrase?: string | null;
  slug?: string | null;
  metaDescription?: string | null;
  locale?: string | null;
}

export type CheckStatus = 'GOOD' | 'IMPROVE' | 'PROBLEM';

export interface SeoCheck {
  id: string;
  group: string;
  label: string;
  score: number;
  maxScore: number;
  status: CheckStatus;
  explanation: string;
  suggestion: string | null;
}

/** The channel's hard limits and what the text uses of them (the server's count, pushed with the score). */
export interface ChannelUsage {
  length: { used: number; max: number; unit: string } | null;
  hashtags: { used: number; max: number | null };
  links: { used: number; allowed: boolean };
}

export interface SeoScore {
  itemId: string;
  revision: number;
  total: number;
  seo: number;
  geo: number;
  checks: SeoCheck[];
  usage: ChannelUsage;
  computedAt: string;
}

const CONTENT_ITEM_FIELDS = gql`
  fragment StudioItemFields on ContentItem {
    id
    channel
    title
    status
    mode
    brief
    regenerations
    locale
    keyphrase
    slug
    metaDescription
    body
    currentVersion
    updatedAt
  }
`;

export const CONTENT_ITEM_QUERY: TypedDocumentNode<{ contentItem: ContentItem }, { id: string }> = gql`
  query StudioItem($id: ID!) {
    contentItem(id: $id) {
      ...StudioItemFields
    }
  }
  ${CONTENT_ITEM_FIELDS}
`;

export interface ContentItemSummary {
  id: string;
  title: string;
  channel: Channel;
  status: ContentStatus;
  currentVersion: number;
  updatedAt: string;
}

export const RECENT_ITEMS_QUERY: TypedDocumentNode<{ contentItems: ContentItemSummary[] }, { limit: number }> = gql`
  query StudioRecentItems($limit: Int) {
    contentItems(limit: $limit) {
      id
      title
      channel
      status
      currentVersion
      updatedAt
    }
  }
`;

export const CREATE_DRAFT_MUTATION: TypedDocumentNode<{ createDraft: ContentItem }, { input: DraftInput }> = gql`
  mutation CreateDraft($input: DraftInput!) {
    createDraft(input: $input) {
      ...StudioItemFields
    }
  }
  ${CONTENT_ITEM_FIELDS}
`;

export const SAVE_DRAFT_MUTATION: TypedDocumentNode<{ saveDraft: ContentItem }, { id: string; input: DraftInput }> = gql`
  mutation SaveDraft($id: ID!, $input: DraftInput!) {
    saveDraft(id: $id, input: $input) {
      ...StudioItemFields
    }
  }
  ${CONTENT_ITEM_FIELDS}
`;

/** Paragraphs `at` … `at + remove - 1` of the body (split at "\n\n") replaced by `insert`. */
export interface DraftEdit {
  at: number;
  remove: number;
  insert: string[];
}

export const SCORE_DRAFT_EDIT_MUTATION: TypedDocumentNode<{ scoreDraftEdit: boolean }, { id: string; base: number; edit: DraftEdit; revision: number }> = gql`
  mutation ScoreDraftEdit($id: ID!, $base: Int!, $edit: DraftEdit!, $revision: Int!) {
    scoreDraftEdit(id: $id, base: $base, edit: $edit, revision: $revision)
  }
`;

export const SCORE_DRAFT_MUTATION: TypedDocumentNode<{ scoreDraft: boolean }, { id: string; input: DraftInput; revision: number }> = gql`
  mutation ScoreDraft($id: ID!, $input: DraftInput!, $revision: Int!) {
    scoreDraft(id: $id, input: $input, revision: $revision)
  }
`;

export const SEO_SCORE_SUBSCRIPTION: TypedDocumentNode<{ seoScore: SeoScore }, { itemId: string }> = gql`
  subscription SeoScore($itemId: ID!) {
    seoScore(itemId: $itemId) {
      itemId
      revision
      total
      seo
      geo
      computedAt
      usage {
        length {
          used
          max
          unit
        }
        hashtags {
          used
          max
        }
        links {
          used
          allowed
        }
      }
      checks {
        id
        group
        label
        score
        maxScore
        status
        explanation
        suggestion
      }
    }
  }
`;

export interface GenerateContentInput {
  channel: Channel;
  brief: string;
  tone?: string | null;
  length: ContentLength;
  keyphrase?: string | null;
  locale?: string | null;
  mode: ContentMode;
  idempotencyKey: string;
}

export const GENERATE_CONTENT_MUTATION: TypedDocumentNode<{ generateContent: ContentItem }, { input: GenerateContentInput }> = gql`
  mutation GenerateContent($input: GenerateContentInput!) {
    generateContent(input: $input) {
      ...StudioItemFields
    }
  }
  ${CONTENT_ITEM_FIELDS}
`;

export interface RegenerateContentInput {
  brief?: string | null;
  tone?: string | null;
  length?: ContentLength | null;
  paragraph?: number | null;
  idempotencyKey: string;
}

export const REGENERATE_CONTENT_MUTATION: TypedDocumentNode<{ regenerateContent: ContentItem }, { itemId: string; input: RegenerateContentInput }> = gql`
  mutation RegenerateContent($itemId: ID!, $input: RegenerateContentInput) {
    regenerateContent(itemId: $itemId, input: $input) {
      ...StudioItemFields
    }
  }
  ${CONTENT_ITEM_FIELDS}
`;

export interface RegenerationQuote {
  itemId: string;
  credits: number;
  used: number;
  limit: number | null;
  remaining: number | null;
  available: number;
}

export const REGENERATION_QUOTE_QUERY: TypedDocumentNode<{ regenerationQuote: RegenerationQuote }, { itemId: string }> = gql`
  query RegenerationQuote($itemId: ID!) {
    regenerationQuote(itemId: $itemId) {
      itemId
      credits
      used
      limit
      remaining
      available
    }
  }
`;

export interface ContentVersionSummary {
  version: number;
  title: string;
  author: string;
  model: string | null;
  createdAt: string;
  credits: number;
  restoredFrom: number | null;
  words: number;
}

export const CONTENT_VERSIONS_QUERY: TypedDocumentNode<{ contentVersions: ContentVersionSummary[] }, { itemId: string }> = gql`
  query ContentVersions($itemId: ID!) {
    contentVersions(itemId: $itemId) {
      version
      title
      author
      model
      createdAt
      credits
      restoredFrom
      words
    }
  }
`;

export type DiffKind = 'EQUAL' | 'INSERT' | 'DELETE';

export interface ContentVersionDiff {
  itemId: string;
  from: number;
  to: number;
  title: Array<{ kind: DiffKind; text: string }>;
  body: Array<{ kind: DiffKind; text: string }>;
  insertedWords: number;
  deletedWords: number;
}

export const CONTENT_VERSION_DIFF_QUERY: TypedDocumentNode<{ contentVersionDiff: ContentVersionDiff }, { itemId: string; from: number; to: number }> = gql`
  query ContentVersionDiff($itemId: ID!, $from: Int!, $to: Int!) {
    contentVersionDiff(itemId: $itemId, from: $from, to: $to) {
      itemId
      from
      to
      title {
        kind
        text
      }
      body {
        kind
        text
      }
      insertedWords
      deletedWords
    }
  }
`;

export const RESTORE_VERSION_MUTATION: TypedDocumentNode<{ restoreContentVersion: ContentItem }, { itemId: string; version: number }> = gql`
  mutation RestoreContentVersion($itemId: ID!, $version: Int!) {
    restoreContentVersion(itemId: $itemId, version: $version) {
      ...StudioItemFields
    }
  }
  ${CONTENT_ITEM_FIELDS}
`;

export interface SubmittedForReview {
  id: string;
  status: ApprovalStatus;
  item: { id: string; status: ContentStatus; updatedAt: string };
}

/** Opens a review round; the item's new status lands in the cache under its id, so the page shows it at once. */
export const SUBMIT_FOR_REVIEW_MUTATION: TypedDocumentNode<{ submitForReview: SubmittedForReview }, { itemId: string }> = gql`
  mutation SubmitForReview($itemId: ID!) {
    submitForReview(itemId: $itemId) {
      id
      status
      item {
        id
        status
        updatedAt
      }
    }
  }
`;
