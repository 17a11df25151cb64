import { InMemoryCache } from '@apollo/client';
import { mergeSteps } from '../modules/pipeline/step-merge.ts';
import type { PipelineStep } from '../modules/pipeline/pipeline.graphql.ts';

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      PipelineRun: {
        fields: {
          steps: { merge: (existing: PipelineStep[] | undefined, incoming: PipelineStep[]) => mergeSteps(existing, incoming) },
        },
      },
      // Each push of onboardingProgress is the whole session: its parts replace the cached ones.
      OnboardingSession: {
        fields: { answers: { merge: false }, progress: { merge: false }, draft: { merge: false } },
      },
      // No identity of their own (check ids repeat across drafts): stored inside their parent.
      PipelineStep: { keyFields: false },
      SeoCheck: { keyFields: false },
      CreditBalance: { keyFields: false },
      Viewer: { keyFields: false },
    },
  });
}
