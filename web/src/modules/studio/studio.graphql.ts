import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export const CHANNELS = ['BLOG', 'LANDING_PAGE', 'LINKEDIN', 'FACEBOOK', 'INSTAGRAM', 'X', 'GOOGLE_BUSINESS', 'NEWSLETTER', 'EMAIL', 'SMS'] as const;
export type Channel = (typeof CHANNELS)[number];

export type ContentStatus = 'DRAFT' | 'IN_REVIEW' | 'APPROVED' | 'SCHEDULED' | 'PUBLISHED' | 'REJECTED' | 'ARCHIVED';

export interface ContentItem {
  id: string;
  channel: Channel;
  title: string;
  status: ContentStatus;
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

export interface SeoScore {
  itemId: string;
  revision: number;
  total: number;
  seo: number;
  geo: number;
  checks: SeoCheck[];
  computedAt: string;
}

const CONTENT_ITEM_FIELDS = gql`
  fragment StudioItemFields on ContentItem {
    id
    channel
    title
    status
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
