// C7: what the media library accepts. The type always comes from the bytes
// (file-type's magic numbers, then a parse of the whole file by a decoder),
// never from the file name or the Content-Type a client declared.
import { fileTypeFromBuffer } from 'file-type';

export const MEDIA_KINDS = ['image', 'pdf', 'audio', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export interface SniffedType {
  kind: MediaKind;
  mimeType: string;
  /** the extension the file gets, whatever it was called */
  ext: string;
}

/** Sniffed MIME type → what we store. Anything else is refused. */
const ALLOWED: Record<string, SniffedType> = {
  'image/jpeg': { kind: 'image', mimeType: 'image/jpeg', ext: 'jpg' },
  'image/png': { kind: 'image', mimeType: 'image/png', ext: 'png' },
  'image/webp': { kind: 'image', mimeType: 'image/webp', ext: 'webp' },
  'image/gif': { kind: 'image', mimeType: 'image/gif', ext: 'gif' },
  'image/avif': { kind: 'image', mimeType: 'image/avif', ext: 'avif' },
  'application/pdf': { kind: 'pdf', mimeType: 'application/pdf', ext: 'pdf' },
  'audio/mpeg': { kind: 'audio', mimeType: 'audio/mpeg', ext: 'mp3' },
  'audio/wav': { kind: 'audio', mimeType: 'audio/wav', ext: 'wav' },
  'audio/ogg': { kind: 'audio', mimeType: 'audio/ogg', ext: 'ogg' },
  'audio/ogg; codecs=opus': { kind: 'audio', mimeType: 'audio/ogg', ext: 'opus' },
  'audio/x-m4a': { kind: 'audio', mimeType: 'audio/mp4', ext: 'm4a' },
  'audio/mp4': { kind: 'audio', mimeType: 'audio/mp4', ext: 'm4a' },
  'video/mp4': { kind: 'video', mimeType: 'video/mp4', ext: 'mp4' },
  'video/webm': { kind: 'video', mimeType: 'video/webm', ext: 'webm' },
  'video/quicktime': { kind: 'video', mimeType: 'video/quicktime', ext: 'mov' },
};

/** Containers that may hold sound only; the decoder's parse tells which (see audioOnly). */
export const AUDIO_ONLY_VARIANT: Record<string, SniffedType> = {
  'video/webm': { kind: 'audio', mimeType: 'audio/webm', ext: 'webm' },
  'video/mp4': { kind: 'audio', mimeType: 'audio/mp4', ext: 'm4a' },
};

export const KIND_LABEL: Record<MediaKind, string> = { image: 'an image', pdf: 'a PDF', audio: 'an audio file', video: 'a video' };

export const ACCEPTED_DESCRIPTION = 'images (JPEG, PNG, WebP, GIF, AVIF), PDF, audio (MP3, WAV, OGG, M4A, WebM) and video (MP4, WebM, MOV)';

/** Bytes read before deciding: enough for every signature above. */
export const SNIFF_BYTES = 64 * 1024;

export type SniffResult = { ok: true; type: SniffedType } | { ok: false; detected: string | null };

export async function sniff(head: Uint8Array): Promise<SniffResult> {
  const found = await fileTypeFromBuffer(head);
  if (!found) return { ok: false, detected: null };
  const type = ALLOWED[found.mime];
  return type ? { ok: true, type } : { ok: false, detected: found.ext };
}

/** Default per-kind size limits, in bytes, when the client's plan sets none. */
export const DEFAULT_LIMITS: Record<MediaKind, number> = {
  image: 20 * 1024 * 1024,
  pdf: 25 * 1024 * 1024,
  audio: 50 * 1024 * 1024,
  video: 50 * 1024 * 1024,
};

/** Plan limits (tenants.plan.limits) are in megabytes: media_image_mb, media_pdf_mb, media_audio_mb, media_video_mb. */
export function limitsFromPlan(planLimits: Record<string, unknown> | null | undefined): Record<MediaKind, number> {
  const out = { ...DEFAULT_LIMITS };
  for (const kind of MEDIA_KINDS) {
    const mb = planLimits?.[`media_${kind}_mb`];
    if (typeof mb === 'number' && Number.isFinite(mb) && mb > 0) out[kind] = Math.floor(mb * 1024 * 1024);
  }
  return out;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
