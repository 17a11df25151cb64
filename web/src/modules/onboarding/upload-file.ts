// Uploads an onboarding file to the media library (POST /uploads) with its
// expected kind, so the gateway refuses a non-PDF "brochure" or a picture
// sent as a recording before anything is stored. Progress via XHR (fetch
// reports none); x-ensemble-upload is the gateway's CSRF guard.
import { currentAccessToken } from '../../apollo/auth.ts';
import { UploadError, type UploadedMedia } from '../media/upload.ts';

export async function uploadOnboardingFile(file: File, kind: 'pdf' | 'audio', onProgress?: (fraction: number) => void): Promise<UploadedMedia> {
  const token = await currentAccessToken();
  const form = new FormData();
  // Fields before the file: the gateway forwards the file as it streams.
  form.append('kind', kind);
  form.append('tags', 'onboarding');
  form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/uploads');
    xhr.setRequestHeader('x-ensemble-upload', '1');
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = xhr.response as { media?: UploadedMedia; errors?: Array<{ message: string; extensions?: { code?: string; reason?: string } }> } | null;
      if (xhr.status >= 200 && xhr.status < 300 && body?.media) {
        onProgress?.(1);
        resolve(body.media);
        return;
      }
      const error = body?.errors?.[0];
      reject(new UploadError(error?.message ?? `Upload failed (${xhr.status})`, error?.extensions?.code ?? 'UNKNOWN', error?.extensions?.reason ?? null));
    };
    xhr.onerror = () => reject(new UploadError('The server cannot be reached', 'NETWORK', null));
    xhr.send(form);
  });
}
