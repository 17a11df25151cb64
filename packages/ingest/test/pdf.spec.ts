import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@ensemble/tenancy/errors';
import { extractPdf } from '../src/pdf.ts';
import { brochurePdf, encryptedPdf, manyPagesPdf, pngBytes } from './pdf-fixtures.ts';

const SECTIONS = [
  { heading: 'Our breads', paragraphs: ['Country sourdough, fermented for 24 hours.', 'Rye loaf with seeds — 5 €.'] },
  { heading: 'Pastries', paragraphs: ['Croissants baked every morning.', 'Pain au chocolat.'] },
  { heading: 'Opening hours', paragraphs: ['Every day from 7am to 7pm.'] },
];

async function badInputMessage(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isAppError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('BAD_USER_INPUT');
    return (error as Error).message;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('extractPdf', () => {
  it('extracts text, page count, metadata and headings guessed from font size', async () => {
    const pdf = await brochurePdf({ title: 'Maison Lumière', sections: SECTIONS, metadataTitle: 'Maison Lumière — Menu 2024' });
    const result = await extractPdf(pdf);
    expect(result.pages).toBe(3);
    expect(result.headingSource).toBe('font-size');
    expect(result.headings).toEqual(['Maison Lumière', 'Our breads', 'Pastries', 'Opening hours']);
    expect(result.text).toContain('Country sourdough, fermented for 24 hours.\nRye loaf with seeds — 5 €.');
    // Pages are separated by a blank line, in order.
    expect(result.text.indexOf('Pastries')).toBeGreaterThan(result.text.indexOf('Rye loaf'));
    expect(result.text).toMatch(/5 €\.\n\nPastries/);
    expect(result.title).toBe('Maison Lumière — Menu 2024');
    expect(result.metadata).toMatchObject({
      title: 'Maison Lumière — Menu 2024',
      author: 'Maison Lumière',
      language: 'en-GB',
      createdAt: '2024-03-01T09:00:00.000Z',
    });
  });

  it('prefers the outline (bookmarks) when the PDF has one', async () => {
    const pdf = await brochurePdf({ title: 'Maison Lumière', sections: SECTIONS, outline: ['1. Breads', '2. Pastries', '3. Hours'] });
    const result = await extractPdf(pdf);
    expect(result.headingSource).toBe('outline');
    expect(result.headings).toEqual(['1. Breads', '2. Pastries', '3. Hours']);
    // Without a metadata title, the first heading stands in.
    expect(result.title).toBe('1. Breads');
  });

  it('refuses a password-protected PDF plainly (and the fixture really is a valid encrypted PDF)', async () => {
    const pdf = encryptedPdf('secret', 'owner-secret', 'Private price list');
    const message = await badInputMessage(extractPdf(pdf));
    expect(message).toMatch(/^This PDF is password-protected/);
    const opened = await getDocumentProxy(new Uint8Array(pdf), { password: 'secret' });
    expect((await extractText(opened, { mergePages: true })).text).toBe('Private price list');
  });

  it('reads a PDF that only has an owner password (no password needed to open it)', async () => {
    const result = await extractPdf(encryptedPdf('', 'owner-secret', 'Open to read'));
    expect(result.text).toBe('Open to read');
  });

  it('refuses a truncated PDF as damaged', async () => {
    const pdf = await brochurePdf({ title: 'Maison Lumière', sections: SECTIONS });
    for (const fraction of [0.4, 0.8]) {
      const message = await badInputMessage(extractPdf(pdf.subarray(0, Math.floor(pdf.length * fraction))));
      expect(message).toMatch(/damaged or incomplete/);
    }
  });

  it('names what a non-PDF file is (a PNG renamed .pdf)', async () => {
    expect(await badInputMessage(extractPdf(pngBytes()))).toBe('This file is a PNG image, not a PDF.');
    expect(await badInputMessage(extractPdf(Buffer.from('<!doctype html><html></html>')))).toBe('This file is a web page, not a PDF.');
    expect(await badInputMessage(extractPdf(Buffer.from('hello')))).toBe('This file is not a PDF (it does not start with %PDF-).');
    expect(await badInputMessage(extractPdf(Buffer.alloc(0)))).toBe('This file is an empty file, not a PDF.');
  });

  it('refuses a PDF over the page limit or the size limit', async () => {
    const many = await manyPagesPdf(201);
    expect(await badInputMessage(extractPdf(many))).toBe('This PDF has 201 pages; the limit is 200.');
    expect((await extractPdf(many, { maxPages: 201 })).pages).toBe(201);
    const small = await brochurePdf({ title: 'Maison Lumière', sections: SECTIONS });
    expect(await badInputMessage(extractPdf(small, { maxBytes: 1024 }))).toMatch(/^This PDF is \d+ KB; the limit is 1 KB\.$/);
  });
});
