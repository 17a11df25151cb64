// Human sizes and durations for the media library.

export function formatBytes(bytes: number, language: string): string {
  const number = (value: number, digits: number) => new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value);
  if (bytes >= 1024 * 1024) return `${number(bytes / (1024 * 1024), 1)} MB`;
  if (bytes >= 1024) return `${number(bytes / 1024, 0)} KB`;
  return `${number(bytes, 0)} B`;
}

export function formatMediaDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, '0')}`;
}

/** What the file input offers; the server decides from the bytes anyway. */
export const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif,image/avif,application/pdf,audio/*,video/mp4,video/webm,video/quicktime';
