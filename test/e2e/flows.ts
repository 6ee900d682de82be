// What a user does in the UI, step by step, shared by the browser and the Electron tests.
// Labels come from the English strings file, so a wording change cannot break the tests silently.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { en, type Strings } from '../../src/shared/i18n/window/en';

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

export async function fillCreateForm(page: Page, path: string, passphrase: string): Promise<void> {
  await page.getByRole('radio', { name: en.gate.modeCreate }).check();
  await field(page, en.gate.pathLabel).fill(path);
  await field(page, en.gate.passphraseLabel).fill(passphrase);
  await field(page, en.gate.confirmLabel).fill(passphrase);
}

export async function submitCreate(page: Page): Promise<void> {
  await page.getByRole('button', { name: en.gate.create, exact: true }).click();
  await waitForTimeline(page);
}

export async function fillUnlockForm(page: Page, path: string, passphrase: string): Promise<void> {
  await page.getByRole('radio', { name: en.gate.modeUnlock }).check();
  await field(page, en.gate.pathLabel).fill(path);
  await field(page, en.gate.passphraseLabel).fill(passphrase);
}

export async function unlock(page: Page, path: string, passphrase: string): Promise<void> {
  await fillUnlockForm(page, path, passphrase);
  await page.getByRole('button', { name: en.gate.unlock, exact: true }).click();
  await waitForTimeline(page);
}

/** Opens one of the workspace's screens from the navigation. */
export async function openScreen(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: en.nav.label }).getByRole('button', { name, exact: true }).click();
}

/** After unlocking, the run console opens; the evidence timeline is a screen away. */
export async function waitForTimeline(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: en.nav.label }).waitFor();
  await openScreen(page, en.nav.evidence);
  await page.getByRole('heading', { name: en.timeline.heading }).waitFor();
  await page.locator('tbody tr[data-seq]').first().waitFor();
}

/** Clicks Lock in the header; `strings` is the language the UI shows (English unless told). */
export async function lock(page: Page, strings: Strings = en): Promise<void> {
  await page.getByRole('button', { name: strings.header.lock, exact: true }).click();
  await page.getByRole('heading', { name: strings.gate.heading }).waitFor();
}

/** Clicks Verify and returns the result region's text once a result is shown. */
export async function verify(page: Page): Promise<{ state: string; text: string }> {
  await page.getByRole('button', { name: en.verify.button }).click();
  const outcome = page.locator('#verify-result [data-verify]');
  await outcome.waitFor();
  return { state: (await outcome.getAttribute('data-verify')) ?? '', text: (await outcome.textContent()) ?? '' };
}

/** Types shown in the timeline, newest first. */
export async function timelineTypes(page: Page): Promise<string[]> {
  return page.locator('tbody tr[data-type]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-type') ?? ''));
}

/** Collects console errors and uncaught exceptions (a CSP violation is a console error). */
export function watchForPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
