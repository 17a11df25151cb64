import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type { BrandDnaWrite } from '../brand/brand.graphql.ts';

export type OnboardingStatus = 'OPEN' | 'INGESTING' | 'PROPOSED' | 'ACCEPTED' | 'ABANDONED' | 'FAILED';
export type SourceKind = 'PDF' | 'AUDIO' | 'URL';
export type SourceStage = 'QUEUED' | 'FETCHING' | 'PARSING' | 'TRANSCRIBING' | 'DONE' | 'FAILED';
export type FieldSource = 'QUESTIONNAIRE' | 'PDF' | 'URL' | 'AUDIO' | 'WORKSPACE';
export type Address = 'TU' | 'VOUS' | 'YOU';
export type OfferKind = 'PRODUCT' | 'SERVICE';

export interface OnboardingOffer {
  kind: OfferKind;
  name: string;
  price: string;
  priceMinor: number;
  currency: string;
  unit: string | null;
  description: string | null;
}

export interface OnboardingAnswers {
  name: string | null;
  tagline: string | null;
  mission: string | null;
  website: string | null;
  location: string | null;
  values: string[];
  offers: OnboardingOffer[];
  audiences: Array<{ persona: string; description: string | null; needs: string[] }>;
  tone: { voice: string[]; address: Address | null; do: string[]; dont: string[] };
  wordsToUse: string[];
  wordsToAvoid: string[];
  proofPoints: string[];
  competitors: Array<{ name: string; website: string | null; notes: string | null }>;
  channels: string[];
  keywords: string[];
  locale: string;
}

export interface OnboardingSource {
  id: string;
  kind: SourceKind;
  label: string;
  url: string | null;
  mediaId: string | null;
  filename: string | null;
  language: string;
  stage: SourceStage;
  error: string | null;
  progress: Record<string, unknown>;
  summary: Record<string, unknown> | null;
  createdAt: string;
  processedAt: string | null;
}

export interface FieldOrigin {
  path: string;
  source: FieldSource;
  label: string;
  sourceId: string | null;
  page: number | null;
  url: string | null;
  excerpt: string | null;
}

export interface OnboardingDraft {
  document: Record<string, unknown>;
  fields: FieldOrigin[];
  issues: Array<{ field: string; message: string }>;
}

export interface OnboardingSession {
  id: string;
  status: OnboardingStatus;
  locale: string;
  workflowId: string | null;
  answered: boolean;
  answers: OnboardingAnswers;
  sources: OnboardingSource[];
  progress: { total: number; done: number; failed: number; running: number };
  draft: OnboardingDraft | null;
  error: string | null;
  acceptedSnapshotId: string | null;
  updatedAt: string;
}

const SESSION_FIELDS = gql`
  fragment OnboardingSessionFields on OnboardingSession {
    id
    status
    locale
    workflowId
    answered
    answers {
      name
      tagline
      mission
      website
      location
      values
      offers {
        kind
        name
        price
        priceMinor
        currency
        unit
        description
      }
      audiences {
        persona
        description
        needs
      }
      tone {
        voice
        address
        do
        dont
      }
      wordsToUse
      wordsToAvoid
      proofPoints
      competitors {
        name
        website
        notes
      }
      channels
      keywords
      locale
    }
    sources {
      id
      kind
      label
      url
      mediaId
      filename
      language
      stage
      error
      progress
      summary
      createdAt
      processedAt
    }
    progress {
      total
      done
      failed
      running
    }
    draft {
      document
      fields {
        path
        source
        label
        sourceId
        page
        url
        excerpt
      }
      issues {
        field
        message
      }
    }
    error
    acceptedSnapshotId
    updatedAt
  }
`;

export const ONBOARDING_QUERY: TypedDocumentNode<{ onboarding: OnboardingSession | null }, Record<string, never>> = gql`
  query Onboarding {
    onboarding {
      ...OnboardingSessionFields
    }
  }
  ${SESSION_FIELDS}
`;

export interface SpeechSupport {
  language: string;
  covered: boolean;
  offline: boolean;
  engine: string | null;
  gap: 'LANGUAGE_NOT_COVERED' | 'ENGINE_NOT_INSTALLED' | 'NO_MODEL' | null;
}

export const SPEECH_SUPPORT_QUERY: TypedDocumentNode<{ onboardingSpeechSupport: SpeechSupport }, { language: string }> = gql`
  query OnboardingSpeechSupport($language: String) {
    onboardingSpeechSupport(language: $language) {
      language
      covered
      offline
      engine
      gap
    }
  }
`;

export interface OfferInput {
  kind: OfferKind;
  name: string;
  price: string;
  currency?: string | null;
  unit?: string | null;
  description?: string | null;
}

export interface AnswersInput {
  name?: string | null;
  tagline?: string | null;
  mission?: string | null;
  website?: string | null;
  location?: string | null;
  values?: string[];
  offers?: OfferInput[];
  audiences?: Array<{ persona: string; description?: string | null; needs?: string[] }>;
  tone?: { voice?: string[]; address?: Address | null; do?: string[]; dont?: string[] };
  wordsToUse?: string[];
  wordsToAvoid?: string[];
  proofPoints?: string[];
  competitors?: Array<{ name: string; website?: string | null; notes?: string | null }>;
  channels?: string[];
  keywords?: string[];
  locale?: string | null;
}

export const SAVE_ANSWERS: TypedDocumentNode<{ saveOnboardingAnswers: OnboardingSession }, { answers: AnswersInput }> = gql`
  mutation SaveOnboardingAnswers($answers: OnboardingAnswersInput!) {
    saveOnboardingAnswers(answers: $answers) {
      ...OnboardingSessionFields
    }
  }
  ${SESSION_FIELDS}
`;

export const ADD_SOURCE: TypedDocumentNode<{ addOnboardingSource: OnboardingSession }, { kind: SourceKind; mediaId?: string | null; url?: string | null; language?: string | null }> = gql`
  mutation AddOnboardingSource($kind: OnboardingSourceKind!, $mediaId: ID, $url: String, $language: String) {
    addOnboardingSource(kind: $kind, mediaId: $mediaId, url: $url, language: $language) {
      ...OnboardingSessionFields
    }
  }
  ${SESSION_FIELDS}
`;

export const REMOVE_SOURCE: TypedDocumentNode<{ removeOnboardingSource: OnboardingSession }, { sourceId: string }> = gql`
  mutation RemoveOnboardingSource($sourceId: ID!) {
    removeOnboardingSource(sourceId: $sourceId) {
      ...OnboardingSessionFields
    }
  }
  ${SESSION_FIELDS}
`;

export const RUN_INGESTION: TypedDocumentNode<{ runOnboardingIngestion: OnboardingSession }, Record<string, never>> = gql`
  mutation RunOnboardingIngestion {
    runOnboardingIngestion {
      ...OnboardingSessionFields
    }
  }
  ${SESSION_FIELDS}
`;

export const ONBOARDING_PROGRESS: TypedDocumentNode<{ onboardingProgress: OnboardingSession }, { sessionId: string }> = gql`
  subscription OnboardingProgress($sessionId: ID!) {
    onboardingProgress(sessionId: $sessionId) {
      ...OnboardingSessionFields
    }
  }
  ${SESSION_FIELDS}
`;

export const ACCEPT_DRAFT: TypedDocumentNode<{ acceptOnboardingDraft: BrandDnaWrite }, { document: Record<string, unknown> }> = gql`
  mutation AcceptOnboardingDraft($document: JSONObject!) {
    acceptOnboardingDraft(document: $document) {
      id
      version
      locale
      document
      note
      restoredFromId
      createdAt
    }
  }
`;
