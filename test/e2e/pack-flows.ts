// What an operator does with a decision pack that comes back from an approver who signed it on
// their own machine (`cutover pack sign`): the Decision screen's "Import a signature made
// elsewhere" section, step by step. Labels come from the English strings file, so a wording
// change cannot silently break these flows.
import type { Locator, Page } from 'playwright-core';
import { en } from '../../src/shared/i18n/window/en';

/** The Decision screen's import section (a region named by its heading). */
export function packImportSection(page: Page): Locator {
  return page.getByRole('region', { name: en.decision.importHeading, exact: true });
}

async function submitImport(page: Page, input: { path: string; identity: string }): Promise<{ status: Locator; alert: Locator }> {
  const section = packImportSection(page);
  await section.getByLabel(en.decision.importPathLabel, { exact: true }).fill(input.path);
  await section.getByLabel(en.decision.importIdentity, { exact: true }).selectOption(input.identity);
  // Each answer (the import, then the returned pack verified again) bumps data-imports-answered.
  const before = Number((await section.getAttribute('data-imports-answered')) ?? '0');
  await section.getByRole('button', { name: en.decision.importSubmit, exact: true }).click();
  await page.locator(`[data-testid="pack-signature-import"][data-imports-answered="${before + 1}"]`).waitFor();
  return { status: section.locator('[role="status"][data-signature-imported]'), alert: section.getByRole('alert') };
}

/**
 * Imports `identity`'s signature from the returned pack at `path` (folder or .zip) and returns
 * the status text ("Imported gov2's signature (approve) …", or "… was already imported …").
 * Once it returns, the section's `[data-pack-verify]` shows the returned pack verified again.
 * Throws with the message shown when the import is refused.
 */
export async function importPackSignature(page: Page, input: { path: string; identity: string }): Promise<string> {
  const { status, alert } = await submitImport(page, input);
  if ((await alert.count()) > 0) throw new Error(`The import was refused: ${(await alert.first().textContent()) ?? ''}`);
  return ((await status.textContent()) ?? '').trim();
}

/** Tries an import that should be refused; returns the alert's error code and text. Throws if it was imported. */
export async function importPackSignatureRefused(page: Page, input: { path: string; identity: string }): Promise<{ code: string; text: string }> {
  const { status, alert } = await submitImport(page, input);
  if ((await alert.count()) === 0) throw new Error(`The import was not refused: ${(await status.textContent()) ?? ''}`);
  return { code: (await alert.first().getAttribute('data-error-code')) ?? '', text: ((await alert.first().textContent()) ?? '').trim() };
}

/** The returned pack's verification as the import section shows it after an import: ok, intact or broken. */
export async function importedPackVerify(page: Page): Promise<string> {
  const result = packImportSection(page).locator('[data-pack-verify]');
  await result.waitFor();
  return (await result.getAttribute('data-pack-verify')) ?? '';
}
