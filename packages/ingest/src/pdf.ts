// Text and structure of an uploaded or fetched PDF (brochures, menus, price
// lists), with pdf.js through unpdf. Bad files get a sentence the owner can
// act on, never a pdf.js stack trace.
import { extractTextItems, getDocumentProxy, getMeta } from 'unpdf';
import { badInput } from '@ensemble/tenancy/errors';
import { formatBytes } from './bytes.ts';

export interface PdfOptions {
  /** Default 20 MB. */
  maxBytes?: number;
  /** Default 200. */
  maxPages?: number;
}

export interface PdfMetadata {
  title: string | null;
  author: string | null;
  subject: string | null;
  keywords: string | null;
  creator: string | null;
  producer: string | null;
  /** ISO 8601 when the PDF gives a parsable date. */
  createdAt: string | null;
  modifiedAt: string | null;
  language: string | null;
}

export interface PdfContent {
  pages: number;
  /** Lines joined by \n, pages separated by a blank line. */
  text: string;
  /** The outline (bookmarks) when the PDF has one, else lines set in a larger font than the body. */
  headings: string[];
  headingSource: 'outline' | 'font-size' | 'none';
  title?: string;
  metadata: PdfMetadata;
}

export const PDF_MAX_BYTES = 20 * 1024 * 1024;
export const PDF_MAX_PAGES = 200;
const MAX_HEADINGS = 300;

/** What a non-PDF upload most likely is, from its first bytes. */
function sniffOther(head: Buffer): string | null {
  const ascii = head.subarray(0, 16).toString('latin1');
  if (head.length === 0) return 'an empty file';
  if (head[0] === 0x89 && ascii.startsWith('\x89PNG')) return 'a PNG image';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'a JPEG image';
  if (ascii.startsWith('GIF8')) return 'a GIF image';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'a WebP image';
  if (ascii.startsWith('PK\x03\x04')) return 'a ZIP archive (Word, Excel or PowerPoint files are ZIPs)';
  if (ascii.startsWith('\xd0\xcf\x11\xe0')) return 'an old Microsoft Office document';
  if (/^\s*<(!doctype|html)/i.test(ascii)) return 'a web page';
  return null;
}


function str(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.replace(/\s+/g, ' ').trim();
  return trimmed || null;
}

function isoDate(value: unknown): string | null {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  return null;
}

interface Line {
  text: string;
  size: number;
}

/** Groups pdf.js text items into lines, keeping the largest font size of each. */
function toLines(items: Array<{ str: string; fontSize: number; hasEOL: boolean; y: number }>): Line[] {
  const lines: Line[] = [];
  let text = '';
  let size = 0;
  let y: number | null = null;
  const flush = () => {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (clean) lines.push({ text: clean, size });
    text = '';
    size = 0;
    y = null;
  };
  for (const item of items) {
    // A jump in baseline without an EOL marker is still a new line.
    if (y !== null && Math.abs(item.y - y) > Math.max(2, size * 0.5) && item.str.trim()) flush();
    text += item.str;
    if (item.str.trim()) {
      size = Math.max(size, item.fontSize);
      y ??= item.y;
    }
    if (item.hasEOL) flush();
  }
  flush();
  return lines;
}

/** The body font size: the one carrying the most characters. */
function bodySize(lines: Line[]): number {
  const weight = new Map<number, number>();
  for (const line of lines) {
    const key = Math.round(line.size * 2) / 2;
    weight.set(key, (weight.get(key) ?? 0) + line.text.length);
  }
  let best = 0;
  let bestWeight = -1;
  for (const [size, w] of weight) {
    if (w > bestWeight) {
      best = size;
      bestWeight = w;
    }
  }
  return best;
}

type OutlineNode = { title: string; items?: OutlineNode[] };

function flattenOutline(nodes: OutlineNode[] | null, out: string[] = []): string[] {
  for (const node of nodes ?? []) {
    const title = str(node.title);
    if (title && out.length < MAX_HEADINGS) out.push(title);
    flattenOutline(node.items ?? null, out);
  }
  return out;
}

function pdfJsFailure(error: unknown): Error {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'PasswordException') {
    return badInput('This PDF is password-protected. Remove the password (or export an unprotected copy) and upload it again.');
  }
  return badInput('This PDF could not be read: the file is damaged or incomplete. Export it again and upload the new file.');
}

/**
 * Extracts the text of a PDF with its structure. Throws BAD_USER_INPUT for a
 * file that is not a PDF, too large, over the page limit, encrypted, or damaged.
 */
export async function extractPdf(buffer: Buffer | Uint8Array, options: PdfOptions = {}): Promise<PdfContent> {
  const maxBytes = options.maxBytes ?? PDF_MAX_BYTES;
  const maxPages = options.maxPages ?? PDF_MAX_PAGES;
  const data = Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (data.length > maxBytes) {
    throw badInput(`This PDF is ${formatBytes(data.length)}; the limit is ${formatBytes(maxBytes)}.`);
  }
  // The header may follow a little junk (pdf.js and Acrobat accept up to 1 KB of it).
  const headerAt = data.subarray(0, 1024).indexOf('%PDF-');
  if (headerAt < 0) {
    const other = sniffOther(data.subarray(0, 64));
    throw badInput(other ? `This file is ${other}, not a PDF.` : 'This file is not a PDF (it does not start with %PDF-).');
  }

  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of the bytes it is given: hand it a copy.
    pdf = await getDocumentProxy(new Uint8Array(data), {
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: true,
      verbosity: 0,
    });
  } catch (error) {
    throw pdfJsFailure(error);
  }
  try {
    if (pdf.numPages > maxPages) {
      throw badInput(`This PDF has ${pdf.numPages} pages; the limit is ${maxPages}.`);
    }
    let pagesItems: Awaited<ReturnType<typeof extractTextItems>>['items'];
    let meta: Awaited<ReturnType<typeof getMeta>>;
    let outline: OutlineNode[] | null;
    try {
      [{ items: pagesItems }, meta, outline] = await Promise.all([
        extractTextItems(pdf),
        getMeta(pdf, { parseDates: true }),
        pdf.getOutline() as Promise<OutlineNode[] | null>,
      ]);
    } catch (error) {
      throw pdfJsFailure(error);
    }

    const pageLines = pagesItems.map((items) => toLines(items));
    const allLines = pageLines.flat();
    const text = pageLines
      .map((lines) => lines.map((l) => l.text).join('\n'))
      .join('\n\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();

    let headings = flattenOutline(outline);
    let headingSource: PdfContent['headingSource'] = headings.length > 0 ? 'outline' : 'none';
    if (headings.length === 0 && allLines.length > 0) {
      const body = bodySize(allLines);
      headings = allLines
        .filter((l) => l.size >= body * 1.15 && l.text.length <= 120 && /\p{L}/u.test(l.text))
        .map((l) => l.text)
        .filter((h, i, all) => h !== all[i - 1])
        .slice(0, MAX_HEADINGS);
      if (headings.length > 0) headingSource = 'font-size';
    }

    const info = (meta.info ?? {}) as Record<string, unknown>;
    const metadata: PdfMetadata = {
      title: str(info.Title),
      author: str(info.Author),
      subject: str(info.Subject),
      keywords: str(info.Keywords),
      creator: str(info.Creator),
      producer: str(info.Producer),
      createdAt: isoDate(info.CreationDate),
      modifiedAt: isoDate(info.ModDate),
      language: str(info.Language),
    };
    const title = metadata.title ?? headings[0];
    return { pages: pdf.numPages, text, headings, headingSource, ...(title ? { title } : {}), metadata };
  } finally {
    // Frees the document on pdf.js's (in-process) worker side too.
    await pdf.loadingTask.destroy().catch(() => undefined);
  }
}
