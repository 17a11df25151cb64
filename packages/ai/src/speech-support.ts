// Can a recording in this language be transcribed for this client, and by
// what? The onboarding wizard asks before the upload; the answer follows the
// router (router.transcribe) rather than guessing from the asking host:
//   - the client's speech_to_text route, its plan, active flags and stored
//     keys decide which models are usable (the router's own unusableReason);
//   - a usable cloud or OpenAI-compatible model takes any language the
//     provider knows (we do not keep per-model language lists: Whisper-class
//     models cover French, Arabic and ~100 more);
//   - the offline engine covers US English only, and only if its tools are
//     installed where transcription runs. That is the worker's host, which a
//     subgraph cannot look at, so the worker reports what it misses when it
//     starts (tenants.ai_engine_status) and this answer reads that report;
//     no report yet reads as "not installed" rather than promising.
// The first model of the route that can take the recording is the one named,
// as the router would try it first.
import { hostname } from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withoutTenant, type EntityManager } from '@ensemble/db/orm';
import { languageName, missingOfflineSpeechTools, offlineSpeechCovers } from '@ensemble/ingest/speech';
import { loadRoutePlan } from './catalogue.ts';
import { unusableReason } from './router.ts';

export const OFFLINE_SPEECH_ENGINE = 'pocketsphinx';

export type SpeechGap = 'language_not_covered' | 'engine_not_installed' | 'no_model';

export interface SpeechSupport {
  language: string;
  /** some model of the route can transcribe this language now */
  covered: boolean;
  /** that model is the built-in offline engine */
  offline: boolean;
  /** the offline engine's name when it is the one */
  engine: string | null;
  /** the model that would transcribe (its catalogue name) */
  model: string | null;
  /** why nothing covers it (null when covered) */
  gap: SpeechGap | null;
  message: string;
}

/** Called by the worker as it starts: records what the offline engine misses on this host. */
export async function reportOfflineSpeechEngine(orm: MikroORM): Promise<string[]> {
  const missing = missingOfflineSpeechTools();
  await withoutTenant(orm, (em) => em.getConnection().execute(
    'select app.report_ai_engine(?, ?, array(select json_array_elements_text(?::json)))',
    [OFFLINE_SPEECH_ENGINE, hostname(), JSON.stringify(missing)], 'all', em.getTransactionContext()));
  return missing;
}

/** The answer for `language` (a checked tag such as en or fr-FR), inside the client's transaction. */
export async function speechSupport(em: EntityManager, tenantId: string, language: string): Promise<SpeechSupport> {
  const plan = await loadRoutePlan(em, 'speech_to_text', tenantId);
  const usable = [...(plan.preferred ? [plan.preferred] : []), ...plan.chain].filter((c) => unusableReason(c, plan) === null);
  const [report] = await em.getConnection().execute<Array<{ missing: string[] }>>(
    'select missing from tenants.ai_engine_status where engine = ?', [OFFLINE_SPEECH_ENGINE], 'all', em.getTransactionContext());
  const offlineReady = report !== undefined && report.missing.length === 0;
  const name = languageName(language);
  const base = { language, covered: true, offline: false, engine: null, gap: null };

  for (const candidate of usable) {
    if (candidate.provider.kind !== 'offline') {
      return { ...base, model: candidate.modelName, message: `${name} recordings are transcribed by ${candidate.modelName} (${candidate.provider.name}).` };
    }
    if (offlineSpeechCovers(language) && offlineReady) {
      return { ...base, offline: true, engine: OFFLINE_SPEECH_ENGINE, model: candidate.modelName, message: `${name} recordings are transcribed offline (${OFFLINE_SPEECH_ENGINE}, en-US).` };
    }
  }
  const refused = { language, covered: false, offline: false, engine: null, model: null };
  if (!usable.some((c) => c.provider.kind === 'offline')) {
    return { ...refused, gap: 'no_model', message: `No speech-to-text model is available for this workspace; recordings need a speech-to-text provider configured by the platform.` };
  }
  if (!offlineSpeechCovers(language)) {
    return { ...refused, gap: 'language_not_covered', message: `No offline speech-to-text engine covers ${name}; recordings in ${name} need a speech-to-text provider configured by the platform.` };
  }
  const missing = report ? report.missing.join(', ') : 'no report from the worker yet';
  return { ...refused, gap: 'engine_not_installed', message: `The offline speech-to-text engine is not installed where recordings are transcribed (${missing}); recordings need it or a speech-to-text provider configured by the platform.` };
}
