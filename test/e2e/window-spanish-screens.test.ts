// Every screen of the Spanish window, read as a person reads it: no English sentence of the core's
// catalogue or of the window's own, and the words this window words itself (a runbook's HTTP
// status and value gates, an unnamed probe, an identity's key source) in Spanish; English as
// before. The real renderer in Debian's Chromium against the real core through the loopback
// harness; identities with a generated key, a key file and a public key; a runbook with HTTP,
// monitor and value gates, opened and started on a local target.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, RunView } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { en, type Strings } from '../../src/shared/i18n/window/en';
import { es } from '../../src/shared/i18n/window/es';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { found } from '../report/language-sentences';
import { selectStep } from './console-flows';
import { watchForPageErrors } from './flows';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// No `language:`: the window's language decides. An HTTP step with a status list and one status,
// a monitor with an unnamed probe, a check with a value gate that is true or false.
const RUNBOOK = `format: cutover-runbook/v1
id: spanish-screens
title: Spanish screens
version: "1"
targets:
  ws: { kind: local }
  api: { kind: http, base_url: "http://127.0.0.1:9" }
policy:
  approvals: { quorum: 1, role: approver }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: flag, kind: check, title: Flag, target: ws, run: "echo ok", read_only: true, expect: [ { value: { pattern: "^(\\\\w+)$", equals: true } } ] }
      - { id: health, kind: http, title: Health, target: api, request: { method: GET, path: /health }, expect: [ { status: [200, 204] } ] }
      - { id: ready, kind: http, title: Ready, target: api, request: { method: GET, path: /ready }, expect: [ { status: 200 } ] }
      - id: watch
        kind: monitor
        title: Watch
        probes:
          - { target: api, path: /health, thresholds: [ "p95_ms <= 1200" ] }
        every: 1s
        for: 5s
        thresholds: [ "error_rate_pct <= 2.0" ]
`;

/** The window's own English sentences (more than two words), as "path: text", not written alike in Spanish. */
function windowSentences(strings: Strings, other: Strings): Array<{ key: string; text: string }> {
  const out: Array<{ key: string; text: string }> = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (typeof a === 'string') {
      for (const part of a.split(/\{\w+\}|\n/).map((p) => p.replace(/\s+/g, ' ').trim())) {
        if (part.split(' ').filter((w) => /\p{L}/u.test(w)).length > 2 && !(typeof b === 'string' && b.includes(part))) out.push({ key: path, text: part });
      }
    } else if (a && typeof a === 'object') for (const [k, v] of Object.entries(a)) walk(v, (b as Record<string, unknown> | undefined)?.[k], path ? `${path}.${k}` : k);
  };
  walk(strings, other, '');
  return out;
}
const ENGLISH_WINDOW = windowSentences(en, es);
const windowEnglish = (text: string) => {
  const flat = text.replace(/\s+/g, ' ');
  return ENGLISH_WINDOW.filter((s) => flat.includes(s.text)).map((s) => `${s.key}: ${s.text}`);
};

describe('every screen of the Spanish window', () => {
  let tmp: string;
  let browser: Browser;
  let harness: Harness;

  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const result = (await harness.service.dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    tmp = mkdtempSync(join(tmpdir(), 'cutover-spanish-screens-'));
    await buildRenderer(join(tmp, 'renderer'));
    harness = await startHarness({ rendererDir: join(tmp, 'renderer'), defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config') });
    await call('vault.create', { path: join(tmp, 'screens.vault'), passphrase: 'correct horse battery staple' });
    for (const name of ['ana', 'bo']) {
      const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(tmp, name)], { encoding: 'utf8' });
      if (made.status !== 0) throw new Error(`ssh-keygen failed: ${made.stderr}`);
    }
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'file', path: join(tmp, 'ana') } });
    await call('identities.add', { name: 'bo', roles: ['approver'], source: { kind: 'public', publicKey: readFileSync(join(tmp, 'bo.pub'), 'utf8') }, actor: 'ana' });
    writeFileSync(join(tmp, 'spanish-screens.yaml'), RUNBOOK);
    await call<RunView>('run.start', { text: RUNBOOK, source: 'spanish-screens.yaml', environment: 'rehearsal', actor: 'ana' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** The window in `lang`, signing as ana. */
  async function open(lang: 'en' | 'es', strings: Strings): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    await page.goto(`${harness.url}?lang=${lang}`);
    await page.getByRole('navigation', { name: strings.nav.label }).waitFor();
    await page.getByLabel(strings.actor.label, { exact: true }).selectOption('ana');
    return page;
  }

  async function screen(page: Page, strings: Strings, name: string): Promise<string> {
    await page.getByRole('navigation', { name: strings.nav.label }).getByRole('button', { name, exact: true }).click();
    await page.waitForLoadState('networkidle');
    return page.locator('body').innerText();
  }

  /** The detail of each step in the run console: its command line and its gates. */
  async function stepDetails(page: Page, strings: Strings): Promise<Record<string, string>> {
    await page.getByRole('navigation', { name: strings.nav.label }).getByRole('button', { name: strings.nav.run, exact: true }).click();
    const out: Record<string, string> = {};
    for (const id of ['flag', 'health', 'ready', 'watch']) {
      await selectStep(page, id);
      out[id] = (await page.locator(`[data-step-detail="${id}"]`).innerText()).replace(/\s+/g, ' ');
    }
    return out;
  }

  it('no screen shows an English sentence; the gates, a probe and the key sources main words are in Spanish', async () => {
    const page = await open('es', es);
    const errors = watchForPageErrors(page);
    for (const [key, name] of Object.entries(es.nav)) {
      if (key === 'label') continue;
      let text = await screen(page, es, name);
      if (key === 'people') {
        // The identity list arrives after the screen: wait for it (a loaded machine is slower than networkidle).
        await page.getByText(`${es.identities.source}: ${es.identities.sourceKind.file}`).first().waitFor();
        text = await page.locator('body').innerText();
      }
      // What an approver signs is shown as signed (a monitor's "every 1s for 5s" is the plan's own bytes).
      for (const signed of await page.locator('.plan-entry pre.code').allInnerTexts()) text = text.replace(signed, '');
      expect(found(text, 'en'), key).toEqual([]);
      expect(windowEnglish(text), key).toEqual([]);
      if (key === 'people') {
        // The identity list's key source: the owner's key file and a public key, in Spanish.
        expect(text).toContain(`${es.identities.source}: ${es.identities.sourceKind.file}`);
        expect(text).toContain(`${es.identities.source}: ${es.identities.sourceKind.public}`);
        expect(text).not.toContain(en.identities.sourceKind.file);
      }
    }
    // The Runbooks screen with the runbook opened.
    await page.getByRole('navigation', { name: es.nav.label }).getByRole('button', { name: es.nav.runbooks, exact: true }).click();
    await page.getByLabel(es.runbooks.fileLabel, { exact: true }).setInputFiles(join(tmp, 'spanish-screens.yaml'));
    await page.locator('#runbook-title').waitFor();
    const outline = await page.locator('main').innerText();
    expect(found(outline, 'en')).toEqual([]);
    expect(windowEnglish(outline)).toEqual([]);

    const steps = await stepDetails(page, es);
    expect(steps.flag).toContain('/^(\\w+)$/ = verdadero');
    expect(steps.health).toContain('estado: uno de 200, 204');
    expect(steps.ready).toContain('estado = 200');
    expect(steps.watch).toContain('GET ${target:api}/health (en paralelo) cada 1s durante 5s');
    expect(steps.watch).toContain('sonda 1: p95_ms <= 1200');
    const all = Object.values(steps).join('\n');
    expect(all).not.toMatch(/= true|status|in parallel|every 1s|probe 1/);
    expect(found(all, 'en')).toEqual([]);
    expect(windowEnglish(all)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('the same words in English as before in the English window', async () => {
    const page = await open('en', en);
    const steps = await stepDetails(page, en);
    expect(steps.flag).toContain('/^(\\w+)$/ = true');
    expect(steps.health).toContain('status in 200, 204');
    expect(steps.ready).toContain('status = 200');
    expect(steps.watch).toContain('GET ${target:api}/health (in parallel) every 1s for 5s');
    expect(steps.watch).toContain('probe 1: p95_ms <= 1200');
    await screen(page, en, en.nav.people);
    await page.getByText(`${en.identities.source}: ${en.identities.sourceKind.file}`).first().waitFor();
    const people = await page.locator('body').innerText();
    expect(people).toContain(`${en.identities.source}: ${en.identities.sourceKind.file}`);
    expect(found(Object.values(steps).join('\n') + people, 'es')).toEqual([]);
    await page.close();
  }, 120_000);

  it('refuses a call from a frame that is not the app’s in the window’s language', async () => {
    await call('ui.setLanguage', { lang: 'es' });
    expect(harness.service.forbiddenSender()).toEqual({ ok: false, error: { name: 'ForbiddenSenderError', code: 'FORBIDDEN_SENDER', message: 'Esta llamada no vino de la ventana de Cutover Workstation y se rechazó.' } });
    await call('ui.setLanguage', { lang: 'en' });
    expect(harness.service.forbiddenSender()).toEqual({ ok: false, error: { name: 'ForbiddenSenderError', code: 'FORBIDDEN_SENDER', message: 'This call did not come from the Cutover Workstation window and was refused.' } });
  });
});
