// PDFs built inside the tests: pdf-lib for ordinary documents, and a
// hand-written file for encryption (pdf-lib cannot encrypt).
import { createHash } from 'node:crypto';
import { PDFDocument, PDFHexString, PDFName, PDFNull, PDFNumber, StandardFonts, type PDFRef } from 'pdf-lib';

export interface Section {
  heading: string;
  paragraphs: string[];
}

/** A brochure: a big title, 16 pt section headings and 11 pt body text, one section per page. */
export async function brochurePdf(options: { title: string; sections: Section[]; outline?: string[]; metadataTitle?: string }): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  if (options.metadataTitle) doc.setTitle(options.metadataTitle);
  doc.setAuthor('Maison Lumière');
  doc.setLanguage('en-GB');
  doc.setCreationDate(new Date('2024-03-01T09:00:00Z'));
  options.sections.forEach((section, index) => {
    const page = doc.addPage([595, 842]);
    let y = 790;
    if (index === 0) {
      page.drawText(options.title, { x: 50, y, size: 24, font: bold });
      y -= 50;
    }
    page.drawText(section.heading, { x: 50, y, size: 16, font: bold });
    y -= 30;
    for (const paragraph of section.paragraphs) {
      page.drawText(paragraph, { x: 50, y, size: 11, font: regular });
      y -= 18;
    }
  });
  if (options.outline) addOutline(doc, options.outline);
  return Buffer.from(await doc.save());
}

/** Bookmarks, one per page in order (pdf-lib has no outline API: built from raw objects). */
function addOutline(doc: PDFDocument, titles: string[]): void {
  const context = doc.context;
  const outlinesRef = context.nextRef();
  const refs: PDFRef[] = titles.map(() => context.nextRef());
  const pages = doc.getPages();
  titles.forEach((title, i) => {
    const entry = context.obj({});
    entry.set(PDFName.of('Title'), PDFHexString.fromText(title));
    entry.set(PDFName.of('Parent'), outlinesRef);
    entry.set(PDFName.of('Dest'), context.obj([pages[Math.min(i, pages.length - 1)]!.ref, PDFName.of('XYZ'), PDFNull, PDFNull, PDFNull]));
    if (i > 0) entry.set(PDFName.of('Prev'), refs[i - 1]!);
    if (i < titles.length - 1) entry.set(PDFName.of('Next'), refs[i + 1]!);
    context.assign(refs[i]!, entry);
  });
  const outlines = context.obj({});
  outlines.set(PDFName.of('Type'), PDFName.of('Outlines'));
  outlines.set(PDFName.of('First'), refs[0]!);
  outlines.set(PDFName.of('Last'), refs.at(-1)!);
  outlines.set(PDFName.of('Count'), PDFNumber.of(titles.length));
  context.assign(outlinesRef, outlines);
  doc.catalog.set(PDFName.of('Outlines'), outlinesRef);
}

export async function manyPagesPdf(count: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= count; i++) doc.addPage([300, 300]).drawText(`Page ${i}`, { x: 20, y: 250, size: 12, font });
  return Buffer.from(await doc.save());
}

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  let i = 0;
  j = 0;
  for (let n = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();

// PDF 1.7 §7.6.3.3: the 32-byte padding string of the standard security handler.
const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');
const padPassword = (password: string) => Buffer.concat([Buffer.from(password, 'latin1'), PAD]).subarray(0, 32);

/**
 * A one-page PDF encrypted with the standard security handler (revision 2,
 * RC4 40-bit) and a user password: no reader opens it without the password.
 */
export function encryptedPdf(userPassword: string, ownerPassword: string, text: string): Buffer {
  const id = createHash('md5').update(`maison-lumiere-${text}`).digest();
  const permissions = -44;
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions);
  const o = rc4(md5(padPassword(ownerPassword)).subarray(0, 5), padPassword(userPassword)); // Algorithm 3
  const fileKey = md5(padPassword(userPassword), o, p, id).subarray(0, 5); // Algorithm 2
  const u = rc4(fileKey, PAD); // Algorithm 4
  const objectKey = (num: number) => {
    const salt = Buffer.from([num & 255, (num >> 8) & 255, (num >> 16) & 255, 0, 0]);
    return md5(fileKey, salt).subarray(0, 10);
  };
  const content = Buffer.from(`BT /F1 18 Tf 50 750 Td (${text}) Tj ET`, 'latin1');
  const encrypted = rc4(objectKey(4), content);

  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = chunks[0]!.length;
  const add = (body: Buffer) => {
    offsets.push(length);
    chunks.push(body);
    length += body.length;
  };
  const obj = (num: number, body: string) => Buffer.from(`${num} 0 obj\n${body}\nendobj\n`, 'latin1');
  add(obj(1, '<< /Type /Catalog /Pages 2 0 R >>'));
  add(obj(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'));
  add(obj(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'));
  add(Buffer.concat([Buffer.from(`4 0 obj\n<< /Length ${encrypted.length} >>\nstream\n`, 'latin1'), encrypted, Buffer.from('\nendstream\nendobj\n', 'latin1')]));
  add(obj(5, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'));
  add(obj(6, `<< /Filter /Standard /V 1 /R 2 /Length 40 /P ${permissions} /O <${o.toString('hex')}> /U <${u.toString('hex')}> >>`));
  const xrefAt = length;
  const xref = ['xref', `0 ${offsets.length + 1}`, '0000000000 65535 f ', ...offsets.map((off) => `${String(off).padStart(10, '0')} 00000 n `)].join('\n');
  const trailer = `\ntrailer\n<< /Size ${offsets.length + 1} /Root 1 0 R /Encrypt 6 0 R /ID [<${id.toString('hex')}> <${id.toString('hex')}>] >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  chunks.push(Buffer.from(xref + trailer, 'latin1'));
  return Buffer.concat(chunks);
}

/** The first bytes of a real PNG file (signature + IHDR), with a .pdf name in the test. */
export function pngBytes(): Buffer {
  return Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d4ec4b0000000049454e44ae426082',
    'hex',
  );
}
