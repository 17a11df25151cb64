import type { PromptLevel } from './prompts.graphql.ts';

export const LEVELS: readonly PromptLevel[] = ['PLATFORM', 'DISTRIBUTOR', 'CLIENT'];
export const LEVEL_COLORS: Record<PromptLevel, string> = { PLATFORM: 'grape', DISTRIBUTOR: 'blue', CLIENT: 'teal' };
