import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export type PromptLevel = 'PLATFORM' | 'DISTRIBUTOR' | 'CLIENT';

export interface PromptLayer {
  id: string | null;
  tenantId: string;
  tenantName: string | null;
  level: PromptLevel;
  depth: number;
  locale: string;
  version: number;
  document: Record<string, unknown>;
  note: string | null;
  createdAt: string | null;
  editable: boolean;
}

export interface PromptProvenance {
  path: string;
  level: PromptLevel;
  tenantId: string;
  version: number;
  layerId: string;
}

export interface MergedPrompt {
  tenantId: string;
  locale: string;
  document: Record<string, unknown>;
  provenance: PromptProvenance[];
  layers: PromptLayer[];
}

const LAYER_FIELDS = gql`
  fragment PromptLayerFields on PromptLayer {
    id
    tenantId
    tenantName
    level
    depth
    locale
    version
    document
    note
    createdAt
    editable
  }
`;

export const PROMPTS_QUERY: TypedDocumentNode<{ mergedPrompt: MergedPrompt }, { locale: string }> = gql`
  query Prompts($locale: String!) {
    mergedPrompt(locale: $locale) {
      tenantId
      locale
      document
      provenance {
        path
        level
        tenantId
        version
        layerId
      }
      layers {
        ...PromptLayerFields
      }
    }
  }
  ${LAYER_FIELDS}
`;

export const SAVE_PROMPT_LAYER: TypedDocumentNode<
  { savePromptLayer: PromptLayer },
  { locale: string; document: Record<string, unknown>; baseVersion: number; note?: string | null }
> = gql`
  mutation SavePromptLayer($locale: String!, $document: JSONObject!, $baseVersion: Int!, $note: String) {
    savePromptLayer(locale: $locale, document: $document, baseVersion: $baseVersion, note: $note) {
      ...PromptLayerFields
    }
  }
  ${LAYER_FIELDS}
`;
