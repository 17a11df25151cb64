// A newsletter item as an e-mail: the same escaped markdown rendering as the
// site (links UTM-tagged, media URLs absolute), a plain-text part, and a
// footer with the recipient's own unsubscribe link (C8, RFC 8058 for the
// header form).
import { escapeHtml, renderBody, type TaggedLink } from './site-render.ts';
import type { UtmTags } from '../utm/utm-tagger.ts';
import { plainText } from '../connectors/connector.ts';

export interface EmailInput {
  title: string;
  body: string;
  locale: string;
  brandName: string;
  tags: UtmTags;
  unsubscribeUrl: string | null;
  /** MEDIA_PUBLIC_BASE_URL: a mail client has no origin to resolve /media/… against */
  mediaBaseUrl?: string | null;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  links: TaggedLink[];
}

const FOOTER: Record<string, { why: string; unsubscribe: string }> = {
  en: { why: 'You receive this e-mail because you subscribed to {brand}.', unsubscribe: 'Unsubscribe' },
  fr: { why: 'Vous recevez cet e-mail car vous êtes inscrit·e à {brand}.', unsubscribe: 'Se désinscrire' },
};

export function renderEmail(input: EmailInput): RenderedEmail {
  const rendered = renderBody(input.body, input.tags, input.mediaBaseUrl ?? null);
  let body = rendered.html;
  if (!body.startsWith('<h1>')) body = `<h1>${escapeHtml(input.title)}</h1>\n${body}`;
  const words = FOOTER[input.locale.slice(0, 2)] ?? FOOTER['en']!;
  const why = words.why.replace('{brand}', input.brandName);
  const unsubscribeHtml = input.unsubscribeUrl
    ? `<p><a href="${escapeHtml(input.unsubscribeUrl)}">${escapeHtml(words.unsubscribe)}</a></p>`
    : '';
  const html = `<!doctype html>
<html lang="${escapeHtml(input.locale)}">
<head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 640px; margin: 0 auto; padding: 16px; line-height: 1.5">
${body}
<hr>
<footer style="font-size: 12px; color: #666"><p>${escapeHtml(why)}</p>${unsubscribeHtml}</footer>
</body>
</html>
`;
  const text = [
    plainText(rendered.text.startsWith('#') ? rendered.text : `# ${input.title}\n\n${rendered.text}`),
    '',
    '--',
    why,
    ...(input.unsubscribeUrl ? [`${words.unsubscribe}: ${input.unsubscribeUrl}`] : []),
  ].join('\n');
  return { subject: input.title, html, text, links: rendered.links };
}
