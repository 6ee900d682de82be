// The real renderer, built with the app's own Vite config, in Debian's Chromium, against the
// real vault core behind the loopback harness (the same handlers Electron's main runs).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { en } from '../../src/shared/i18n/window/en';
import { es } from '../../src/shared/i18n/window/es';
import { snapshotDir } from '../helpers/tmp';
import { buildRenderer } from '../harness/build-renderer';
import { processKeychain } from '../harness/keychain';
import { startHarness, type Harness } from '../harness/server';
import { fillCreateForm, fillUnlockForm, lock, screenshot, submitCreate, timelineTypes, unlock, verify, waitForTimeline, watchForPageErrors } from './flows';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PASSPHRASE = 'correct horse battery staple';

// The KDF's production cost (2^17) is for people; tests use the floor the vault allows.
process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

describe('renderer in Chromium against the real core', () => {
  let tmp: string;
  let rendererDir: string;
  let harness: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    tmp = mkdtempSync(join(tmpdir(), 'cutover-e2e-'));
    rendererDir = join(tmp, 'renderer');
    await buildRenderer(rendererDir);
    harness = await startHarness({ rendererDir, defaultVaultPath: join(tmp, 'default', 'cutover.vault'), keychain: processKeychain(), autoLockMs: null });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 820 }, locale: 'en-US', colorScheme: 'light' });
    page = await context.newPage();
    pageErrors = watchForPageErrors(page);
  });

  afterEach(async () => {
    await harness.service.dispatch('vault.lock', undefined);
    await context.close();
    // No CSP violation, no uncaught exception, no failed request on any page.
    expect(pageErrors).toEqual([]);
  });

  function freshVaultPath(name: string): string {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    return join(dir, 'cutover.vault');
  }

  it('creates a vault, locks, unlocks, shows the timeline and verifies it', async () => {
    const path = freshVaultPath('ops');
    await page.goto(harness.url);
    await fillCreateForm(page, path, PASSPHRASE);
    await screenshot(page, '01-create-vault');
    await submitCreate(page);
    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}.keys`)).toBe(true);

    await lock(page);
    await unlock(page, path, PASSPHRASE);
    expect(await page.getByTestId('vault-path').textContent()).toBe(path);
    expect(await timelineTypes(page)).toContain('vault.created');
    await screenshot(page, '02-timeline');

    const result = await verify(page);
    expect(result.state).toBe('ok');
    expect(result.text).toContain(en.verify.okTitle);
    await screenshot(page, '03-verified');

    // The details of an event open from the keyboard.
    await page.getByRole('button', { name: en.timeline.showDetails.replace('{seq}', '1') }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#event-1-detail').waitFor();
    expect(await page.locator('#event-1-detail').textContent()).toContain('vaultId');
  });

  it('refuses a wrong passphrase with a clear message and leaves the vault untouched', async () => {
    const path = freshVaultPath('wrong');
    await page.goto(harness.url);
    await fillCreateForm(page, path, PASSPHRASE);
    await submitCreate(page);
    await lock(page);
    const before = snapshotDir(join(tmp, 'wrong'));

    await fillUnlockForm(page, path, 'not the passphrase');
    await page.getByRole('button', { name: en.gate.unlock, exact: true }).click();
    const alert = page.locator('[role="alert"][data-error-code="WRONG_PASSPHRASE"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Wrong passphrase');
    expect(await page.getByLabel(en.gate.passphraseLabel, { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, '04-wrong-passphrase');
    expect(snapshotDir(join(tmp, 'wrong'))).toEqual(before);

    // The right one still works afterwards.
    await unlock(page, path, PASSPHRASE);
  });

  it('says why when the path is not a vault or the passphrases differ', async () => {
    await page.goto(harness.url);
    await fillUnlockForm(page, join(tmp, 'nowhere', 'missing.vault'), PASSPHRASE);
    await page.getByRole('button', { name: en.gate.unlock, exact: true }).click();
    await page.locator('[role="alert"][data-error-code="VAULT_NOT_FOUND"]').waitFor();

    await fillCreateForm(page, freshVaultPath('typo'), PASSPHRASE);
    await page.getByLabel(en.gate.confirmLabel, { exact: true }).fill(`${PASSPHRASE}!`);
    await page.getByRole('button', { name: en.gate.create, exact: true }).click();
    expect(await page.getByRole('alert').textContent()).toBe(en.gate.mismatch);
    expect(existsSync(join(tmp, 'typo', 'cutover.vault'))).toBe(false);
  });

  it('remembers a vault on this device and unlocks it with the keychain', async () => {
    const path = freshVaultPath('remembered');
    await page.goto(harness.url);
    await fillCreateForm(page, path, PASSPHRASE);
    await submitCreate(page);
    await page.getByRole('button', { name: en.settings.remember }).click();
    await page.getByRole('button', { name: en.settings.forget }).waitFor();
    await page.locator('tr[data-type="vault.keychain_slot_added"]').waitFor();

    await lock(page);
    await page.getByRole('button', { name: en.gate.unlockWithKeychain }).click();
    await waitForTimeline(page);
    expect(await page.getByTestId('vault-path').textContent()).toBe(path);
  });

  it('names the first bad record when an event was changed behind the app', async () => {
    const path = freshVaultPath('tampered');
    await page.goto(harness.url);
    await fillCreateForm(page, path, PASSPHRASE);
    await submitCreate(page);
    await lock(page);

    // Someone with the key drops the append-only trigger and rewrites event 2.
    const vault = Vault.open(path, { passphrase: PASSPHRASE });
    vault.append({ actor: 'dba', type: 'note', payload: { text: 'write freeze confirmed' } });
    vault.append({ actor: 'dba', type: 'note', payload: { text: 'snapshot taken' } });
    vault.database.$client.exec(`DROP TRIGGER events_no_update; UPDATE events SET payload = '{"text":"no freeze"}' WHERE seq = 2`);
    vault.close();

    await unlock(page, path, PASSPHRASE);
    const result = await verify(page);
    expect(result.state).toBe('failed');
    expect(result.text).toContain(en.verify.failTitle);
    expect(result.text).toMatch(/First bad record: event #2\b/);
    await screenshot(page, '05-verify-failed');
  });

  it('is readable in dark mode and in Spanish', async () => {
    const path = freshVaultPath('dark');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(harness.url);
    await fillCreateForm(page, path, PASSPHRASE);
    await submitCreate(page);
    await verify(page);
    const background = await page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
    expect(background).toBe('rgb(21, 23, 26)');
    await screenshot(page, '06-timeline-dark');
    await lock(page);

    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${harness.url}?lang=es`);
    await page.getByRole('heading', { name: es.gate.heading }).waitFor();
    await page.getByLabel(es.gate.passphraseLabel, { exact: true }).waitFor();
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('es');
    // No vault at the default path yet, so the form starts on "create".
    expect(await page.getByRole('radio', { name: es.gate.modeCreate }).isChecked()).toBe(true);
    await screenshot(page, '07-gate-spanish');
  });

  it('goes back to the unlock screen when the vault locked itself while idle', async () => {
    const idle = await startHarness({ rendererDir, defaultVaultPath: join(tmp, 'idle-default', 'cutover.vault'), keychain: null, autoLockMs: 500 });
    try {
      await page.goto(idle.url);
      await fillCreateForm(page, freshVaultPath('idle'), PASSPHRASE);
      await submitCreate(page);
      await new Promise((r) => setTimeout(r, 900));
      await page.getByRole('button', { name: en.verify.button }).click();
      await page.getByRole('heading', { name: en.gate.heading }).waitFor();
      expect(await page.getByRole('status').first().textContent()).toContain('locked itself');
    } finally {
      await idle.close();
    }
  });
});
