import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export const MEDIA_KINDS = ['IMAGE', 'PDF', 'AUDIO', 'VIDEO'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number] | 'DOCUMENT';

export interface MediaUsage {
  itemId: string;
  title: string;
  status: string;
  role: string;
}

export interface Media {
  id: string;
  kind: MediaKind;
  filename: string;
  mimeType: string;
  size: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  altText: string | null;
  tags: string[];
  createdAt: string;
  url: string;
  thumbnailUrl: string | null;
  embedUrl: string;
}

const MEDIA_FIELDS = gql`
  fragment MediaFields on Media {
    id
    kind
    filename
    mimeType
    size
    width
    height
    durationMs
    altText
    tags
    createdAt
    url
    thumbnailUrl
    embedUrl
  }
`;

export interface MediaLibraryVars {
  search?: string | null;
  kind?: MediaKind | null;
  tag?: string | null;
  first?: number;
  after?: string | null;
}

export const MEDIA_LIBRARY_QUERY: TypedDocumentNode<
  { mediaLibrary: { nodes: Media[]; endCursor: string | null; hasNextPage: boolean; totalCount: number } },
  MediaLibraryVars
> = gql`
  ${MEDIA_FIELDS}
  query MediaLibrary($search: String, $kind: MediaKind, $tag: String, $first: Int, $after: String) {
    mediaLibrary(search: $search, kind: $kind, tag: $tag, first: $first, after: $after) {
      nodes {
        ...MediaFields
      }
      endCursor
      hasNextPage
      totalCount
    }
  }
`;

export const MEDIA_TAGS_QUERY: TypedDocumentNode<{ mediaTags: Array<{ tag: string; count: number }> }, Record<string, never>> = gql`
  query MediaTags {
    mediaTags {
      tag
      count
    }
  }
`;

export const MEDIA_USAGE_QUERY: TypedDocumentNode<{ mediaItem: { id: string; usage: MediaUsage[] } }, { id: string }> = gql`
  query MediaUsage($id: ID!) {
    mediaItem(id: $id) {
      id
      usage {
        itemId
        title
        status
        role
      }
    }
  }
`;

export const TAG_MEDIA_MUTATION: TypedDocumentNode<{ tagMedia: Media }, { id: string; tags: string[] }> = gql`
  ${MEDIA_FIELDS}
  mutation TagMedia($id: ID!, $tags: [String!]!) {
    tagMedia(id: $id, tags: $tags) {
      ...MediaFields
    }
  }
`;

export const DESCRIBE_MEDIA_MUTATION: TypedDocumentNode<{ describeMedia: Media }, { id: string; altText: string | null }> = gql`
  ${MEDIA_FIELDS}
  mutation DescribeMedia($id: ID!, $altText: String) {
    describeMedia(id: $id, altText: $altText) {
      ...MediaFields
    }
  }
`;

export const DELETE_MEDIA_MUTATION: TypedDocumentNode<{ deleteMedia: boolean }, { id: string }> = gql`
  mutation DeleteMedia($id: ID!) {
    deleteMedia(id: $id)
  }
`;

export const ATTACH_MEDIA_MUTATION: TypedDocumentNode<{ attachMedia: { id: string } }, { itemId: string; mediaId: string }> = gql`
  mutation AttachMedia($itemId: ID!, $mediaId: ID!) {
    attachMedia(itemId: $itemId, mediaId: $mediaId) {
      id
    }
  }
`;

/** What the studio inserts: an image as markdown, any other file as a link. */
export function mediaMarkdown(media: Pick<Media, 'kind' | 'filename' | 'altText' | 'embedUrl'>): string {
  const label = (media.altText ?? media.filename.replace(/\.[^.]+$/, '')).replace(/[[\]\n]/g, ' ').trim() || 'media';
  return media.kind === 'IMAGE' ? `![${label}](${media.embedUrl})` : `[${label}](${media.embedUrl})`;
}
