// Guided onboarding (T8 / W3) in a real browser: the bakery's admin answers
// the questionnaire, uploads a PDF generated here, starts the ingestion and
// watches it live, reviews the proposed DNA (a source badge on every field),
// accepts it, and finds the new snapshot on the Brand page.
// Screenshots land in web/test-results/ (gitignored).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../scripts/stack.ts';
import { E2E_START_MS, E2E_STOP_MS, startE2e, type E2e } from './support/e2e.ts';

const PDF_NAME = 'carte-maison-lumiere.pdf';

let stack: Stack;
let page: Page;
let e2e: E2e;
let shot: E2e['shot'];
let token = '';

const api = <T>(query: string, variables: Record<string, unknown> = {}) => e2e.api<T>(query, variables, token);

/** A two-page price list, as a bakery would export it. */
async function pricePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  doc.setTitle('Maison Lumière');
  const pages: Array<[string, string[]]> = [
    ['Maison Lumière', ['Boulangerie au levain naturel, Lyon', 'Nos pains sont façonnés à la main chaque nuit.']],
    ['Carte traiteur', ['Plateau de mignardises 32,00 €', 'Brioche à partager 14,50 €', 'Note moyenne de 4,8/5 sur 320 avis Google.']],
  ];
  for (const [heading, lines] of pages) {
    const p = doc.addPage([595, 842]);
    p.drawText(heading, { x: 50, y: 780, size: 22, font: bold });
    lines.forEach((line, i) => p.drawText(line, { x: 50, y: 740 - i * 20, size: 11, font: regular }));
  }
  return Buffer.from(await doc.save());
}

beforeAll(async () => {
  e2e = await startE2e('onboarding');
  ({ stack, page, shot } = e2e);
  token = (await api<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
    { e: stack.demo.clientAdminEmail, p: stack.demo.password },
  )).login.accessToken;
  writeFileSync(join(e2e.dataDir, PDF_NAME), await pricePdf());
}, E2E_START_MS);

afterAll(() => e2e?.close(), E2E_STOP_MS);

describe('guided onboarding in Chromium', () => {
  it('answers the questionnaire', async () => {
    await page.goto(stack.webUrl);
    await page.waitForURL(/\/login$/);
    await page.getByRole('textbox', { name: /^(Email|E-mail)$/ }).fill(stack.demo.clientAdminEmail);
    await page.getByRole('textbox', { name: /^(Password|Mot de passe)$/ }).fill(stack.demo.password);
    await page.getByRole('button', { name: /^(Sign in|Se connecter)$/ }).click();
    await page.waitForURL(/\/brand$/);
    await page.getByRole('group', { name: /^(Language|Langue)$/ }).getByText('EN', { exact: true }).click();
    await page.getByRole('link', { name: 'Onboarding' }).click();
    await page.waitForURL(/\/onboarding$/);

    const form = page.getByRole('form', { name: 'Questionnaire' });
    await form.getByRole('textbox', { name: 'Business name' }).fill('Maison Lumière');
    await form.getByRole('textbox', { name: 'Tagline' }).fill('Le pain de nos nuits');
    await form.getByRole('button', { name: 'Add an offer' }).click();
    const offer = form.getByRole('group', { name: 'Offer 1' });
    await offer.getByRole('textbox', { name: 'Name' }).fill('Croissant au beurre');
    await offer.getByRole('textbox', { name: 'Price' }).fill('1,40');
    await form.getByRole('combobox', { name: 'Addressing the reader' }).click();
    await page.getByRole('option', { name: 'vous (formal)' }).click();
    await shot('onboarding-01-questionnaire');
    await form.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('button', { name: 'Upload PDFs' }).waitFor();

    const { onboarding } = await api<{ onboarding: { status: string; answers: { name: string; offers: Array<{ priceMinor: number }>; tone: { address: string } } } }>(
      '{ onboarding { status answers { name offers { priceMinor } tone { address } } } }');
    expect(onboarding).toMatchObject({ status: 'OPEN', answers: { name: 'Maison Lumière', offers: [{ priceMinor: 140 }], tone: { address: 'VOUS' } } });
  });

  it('uploads a PDF and watches the ingestion live', async () => {
    await page.getByTestId('onboarding-pdf-input').setInputFiles(join(e2e.dataDir, PDF_NAME));
    const source = page.getByRole('listitem', { name: PDF_NAME });
    await source.waitFor();
    expect(await source.getByTestId('source-stage').textContent()).toBe('Queued');
    await shot('onboarding-02-sources');
    await page.getByRole('button', { name: 'Continue to ingestion' }).click();

    // Record every stage the page shows, from the subscription's pushes (no reload, no polling on our side).
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { seenStages: Set<string> }).seenStages = seen;
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-testid="onboarding-source"]')) seen.add(el.getAttribute('data-stage') ?? '');
        const status = document.querySelector('[data-testid="onboarding-status"]')?.textContent;
        if (status) seen.add(`status:${status}`);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    await page.getByRole('button', { name: 'Start ingestion' }).click();
    await page.getByText('Your brand DNA proposal is ready').waitFor({ timeout: 60_000 });
    const seen = await page.evaluate(() => [...(window as unknown as { seenStages: Set<string> }).seenStages]);
    expect(seen).toContain('status:Reading your sources');
    expect(seen).toContain('status:Proposal ready');
    expect(seen).toContain('DONE');
    expect(navigations).toEqual([]);
    expect(await page.getByRole('listitem', { name: PDF_NAME }).getByTestId('source-stage').textContent()).toBe('Done');
    await shot('onboarding-03-ingestion');
  });

  it('reviews the draft with a source on every field and accepts it', async () => {
    await page.getByRole('button', { name: 'Review the proposal' }).click();
    const review = page.getByRole('form', { name: 'Review' });
    await review.waitFor();
    const { onboardingDraft } = await api<{ onboardingDraft: { document: Record<string, any>; fields: Array<{ path: string; label: string }> } }>('{ onboardingDraft { document fields { path label } } }');
    // One badge per cited field, and the PDF page cited where its prices came from.
    expect(await review.getByTestId('source-badge').count()).toBe(onboardingDraft.fields.length);
    expect(onboardingDraft.fields.map((f) => f.label)).toEqual(expect.arrayContaining(['questionnaire', `pdf:${PDF_NAME} page 2`]));
    expect(onboardingDraft.document.offer.products).toEqual(expect.arrayContaining([{ name: 'Plateau de mignardises', price_minor: 3200, currency: 'EUR' }]));
    const name = review.getByRole('textbox', { name: /^Business name/ });
    expect(await name.inputValue()).toBe('Maison Lumière');
    await review.getByRole('textbox', { name: /^Location/ }).fill('Lyon, Croix-Rousse');
    await review.locator('[data-source="EDITED"]').first().waitFor();
    await shot('onboarding-04-review');
    await review.getByRole('button', { name: 'Accept as my brand DNA' }).click();
    await page.getByRole('heading', { name: 'Brand DNA version 2 saved' }).waitFor();
    await shot('onboarding-05-accepted');

    await page.getByRole('link', { name: 'Open the brand page' }).click();
    await page.waitForURL(/\/brand$/);
    await page.getByText('Version 2', { exact: true }).first().waitFor();
    await page.getByText('Lyon, Croix-Rousse').first().waitFor();
    await shot('onboarding-06-brand');

    const { brandDna } = await api<{ brandDna: { version: number; note: string; document: Record<string, any>; provenance: Record<string, any> } }>('{ brandDna { version note document provenance } }');
    expect(brandDna).toMatchObject({ version: 2, note: 'ADN validé à la fin de l’onboarding' });
    expect(brandDna.document.identity).toMatchObject({ name: 'Maison Lumière', tagline: 'Le pain de nos nuits', location: 'Lyon, Croix-Rousse' });
    expect(brandDna.provenance.identity.fields['identity.location']).toMatchObject({ source: 'edit' });
    expect(brandDna.provenance.identity.fields['identity.name']).toMatchObject({ source: 'answers', detail: 'questionnaire' });
    expect(JSON.stringify(brandDna.provenance.offer)).toContain(`pdf:${PDF_NAME} page 2`);
  });
});
