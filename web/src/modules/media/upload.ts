// POST /uploads with progress (XMLHttpRequest reports upload progress, fetch
// does not). The access token goes in the header as for /graphql; the
// x-ensemble-upload header is what the gateway requires against CSRF.
import { currentAccessToken } from '../../apollo/auth.ts';

export interface UploadedMedia {
  id: string;
  kind: string;
  filename: string;
  duplicate: boolean;
}

export class UploadError extends Error {
  readonly code: string;
  readonly reason: string | null;
  constructor(message: string, code: string, reason: string | null) {
    super(message);
    this.code = code;
    this.reason = reason;
  }
}

export interface UploadOptions {
  tags?: string[];
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export async function uploadMedia(file: File, options: UploadOptions = {}): Promise<UploadedMedia> {
  const token = await currentAccessToken();
  const form = new FormData();
  // Fields before the file: the gateway forwards the file as it streams.
  if (options.tags?.length) form.append('tags', options.tags.join(','));
  form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/uploads');
    xhr.setRequestHeader('x-ensemble-upload', '1');
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = xhr.response as { media?: UploadedMedia; errors?: Array<{ message: string; extensions?: { code?: string; reason?: string } }> } | null;
      if (xhr.status >= 200 && xhr.status < 300 && body?.media) {
        options.onProgress?.(1);
        resolve(body.media);
        return;
      }
      const error = body?.errors?.[0];
      reject(new UploadError(error?.message ?? `Upload failed (${xhr.status})`, error?.extensions?.code ?? 'UNKNOWN', error?.extensions?.reason ?? null));
    };
    xhr.onerror = () => reject(new UploadError('The server cannot be reached', 'NETWORK', null));
    xhr.onabort = () => reject(new UploadError('Upload cancelled', 'ABORTED', null));
    options.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}
