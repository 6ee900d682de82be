// The window's language reaches the core: where the run's runbook names no `language:`, what
// core words for the window (a refusal, the incident report) follows the language chosen with
// the window's switch, told to main over the contract (ui.setLanguage). The real renderer in
// Debian's Chromium against the real core through the loopback harness, on a local target.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainHead, ChannelName, IncidentView, PackExportView, PackVerifyView, RunbookOpenResult, RunView, VaultStatus } from '../../src/shared/contract';
import { failureMessageText } from '../../src/core/reports/failure-words';
import { blockReasonText } from '../../src/core/reports/gate-words';
import { verifyPack } from '../../src/core/pack';
import { summaryText } from '../../src/core/pack/verdict-words';
import { translate, translator, type Lang } from '../../src/shared/i18n';
import type { Result } from '../../src/shared/result';
import { en } from '../../src/shared/i18n/window/en';
import { es } from '../../src/shared/i18n/window/es';
import type { Strings } from '../../src/shared/i18n/window/en';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { selectStep, waitForStatus } from './console-flows';
import { watchForPageErrors } from './flows';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// No `language:`: the window's language decides. Only an approver may decide, so the operator's
// decision is refused by the core's role rule.
const RUNBOOK = `format: cutover-runbook/v1
id: window-language
title: Window language
version: "1"
targets:
  ws: { kind: local }
policy:
  approvals: { quorum: 1, role: approver }
  decide: approver
phases:
  - id: P0
    title: Checks
    steps:
      - { id: broken, kind: check, title: Breaks, target: ws, run: "echo DuplicateTable; exit 1", read_only: true, abort_on: [ { pattern: DuplicateTable } ] }
`;

const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);

describe('the window’s language reaches the core', () => {
  let tmp: string;
  let browser: Browser;
  let harness: Harness;
  let runId: string;

  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const result = (await harness.service.dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  const head = async (): Promise<ChainHead | null> => (await call<VaultStatus>('vault.status')).head;

  /** The run console in `lang` (the address's ?lang= wins at start-up), signing as ana. */
  async function openConsole(lang: Lang, strings: Strings): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    await page.goto(`${harness.url}?lang=${lang}`);
    await page.locator('.phase-timeline').waitFor();
    await page.getByLabel(strings.actor.label, { exact: true }).selectOption('ana');
    return page;
  }

  /** ana (an operator) records "stop" in the blocked banner; returns the refusal the window shows. */
  async function decideStop(page: Page, strings: Strings): Promise<string> {
    const banner = page.getByTestId('blocked-banner');
    await banner.getByLabel(strings.blocked.stop, { exact: true }).check();
    await banner.getByLabel(strings.blocked.reasonLabel, { exact: true }).fill('the abort gate matched');
    await banner.getByRole('button', { name: fill(strings.blocked.record, { actor: 'ana' }), exact: true }).click();
    return (await banner.locator('[role="alert"][data-error-code] .notice-detail').textContent()) ?? '';
  }

  /** The core's role refusal for ana's decision, in `lang`. */
  const roleRefusal = (lang: Lang) => translate(lang, 'refusal.role', { name: 'ana', roles: 'operator', allowed: 'approver', act: translate(lang, 'refusal.act.run.decide'), step: '' });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    tmp = mkdtempSync(join(tmpdir(), 'cutover-window-lang-'));
    await buildRenderer(join(tmp, 'renderer'));
    harness = await startHarness({ rendererDir: join(tmp, 'renderer'), defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config') });
    await call('vault.create', { path: join(tmp, 'lang.vault'), passphrase: 'correct horse battery staple' });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
    runId = (await call<RunView>('run.start', { text: RUNBOOK, source: 'window-language.yaml', environment: 'rehearsal', actor: 'ana' })).runId;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows a core refusal in Spanish in the Spanish window, in English in the English one, and the chain head does not move', async () => {
    const page = await openConsole('es', es);
    const errors = watchForPageErrors(page);
    await selectStep(page, 'broken');
    await page.locator('[data-step-detail="broken"]').getByRole('button', { name: es.run.runStep, exact: true }).click();
    await waitForStatus(page, 'broken', ['FAIL', 'BLOCKED'], 60_000);
    await page.getByTestId('blocked-banner').waitFor();
    const before = await head();
    // Why it is blocked (the engine records it in English) is shown in the window's language.
    const gates = (await call<RunView>('run.status', { runId })).blockedBy!.gates;
    const reason = blockReasonText('es', `abort gate ${gates.filter((g) => g.kind === 'abort').map((g) => g.gate).join(', ')} matched`, gates);
    expect(reason).not.toMatch(/matched/);
    expect(await page.getByTestId('blocked-banner').locator('.blocked-reason').textContent()).toContain(reason);
    // The abort gate that matched: its name in the runbook, and the gate in the window's language.
    const matched = page.getByTestId('blocked-banner').locator('li[data-gate-kind="abort"]');
    expect(await matched.locator('strong').textContent()).toBe('DuplicateTable ');
    expect(await matched.textContent()).toContain(translate('es', 'gate.abortOn', { pattern: 'DuplicateTable' }));
    expect(await matched.textContent()).not.toContain('abort on /DuplicateTable/');

    const spanish = await decideStop(page, es);
    expect(spanish).toBe(roleRefusal('es'));
    expect(spanish).not.toBe(roleRefusal('en'));
    expect(await head()).toEqual(before);
    // Main was told by the window: the core's incident report (no runbook language) is in Spanish too.
    expect((await call<IncidentView>('incident.get', { runId })).markdown).toContain(translate('es', 'incident.title', { title: 'Window language' }));
    expect(errors).toEqual([]);
    await page.close();

    // The same run in a window switched to English: the same refusal, in English.
    const english = await openConsole('en', en);
    await selectStep(english, 'broken');
    expect(await decideStop(english, en)).toBe(roleRefusal('en'));
    expect(await english.getByTestId('blocked-banner').locator('li[data-gate-kind="abort"]').textContent()).toMatch(/^DuplicateTable abort on \/DuplicateTable\/: matched: DuplicateTable$/);
    expect(await head()).toEqual(before);
    expect((await call<IncidentView>('incident.get', { runId })).markdown).toContain(translate('en', 'incident.title', { title: 'Window language' }));
    await english.close();
  }, 180_000);

  it('verifies a pack in the window’s language when its runbook names none (main, as the window calls it)', async () => {
    const exported = await call<PackExportView>('pack.export', { runId, outDir: join(tmp, 'packs'), actor: 'ana' });
    const report = await verifyPack(exported.zip);
    await call('ui.setLanguage', { lang: 'es' });
    const spanish = await call<PackVerifyView>('pack.verify', { path: exported.zip });
    expect(spanish.verdict).toBe(report.verdict);
    expect(spanish.summary).toBe(summaryText(translator('es'), report));
    expect(spanish.summary).not.toBe(report.summary);
    await call('ui.setLanguage', { lang: 'en' });
    expect((await call<PackVerifyView>('pack.verify', { path: exported.zip })).summary).toBe(report.summary);
  });

  it('shows what the target recorded about a failure in the window’s language', async () => {
    const slow = RUNBOOK.replace('id: window-language', 'id: window-language-slow').replace(/ {6}- \{ id: broken.*\n/, '      - { id: slow, kind: check, title: Slow, target: ws, run: "sleep 30", read_only: true, timeout: 1s }\n');
    const slowRun = (await call<RunView>('run.start', { text: slow, source: 'slow.yaml', environment: 'rehearsal', actor: 'ana' })).runId;
    const page = await openConsole('es', es);
    await page.getByText(`run ${slowRun}`).waitFor();
    await selectStep(page, 'slow');
    await page.locator('[data-step-detail="slow"]').getByRole('button', { name: es.run.runStep, exact: true }).click();
    await waitForStatus(page, 'slow', ['FAIL', 'BLOCKED', 'INTERRUPTED'], 60_000);
    const shown = (await page.locator('[data-step-detail="slow"] .err-text').textContent()) ?? '';
    await page.close();
    await call('ui.setLanguage', { lang: 'en' });
    const recorded = (await call<RunView>('run.status', { runId: slowRun })).steps.find((s) => s.stepId === 'slow')!.failure!.message;
    expect(recorded).toMatch(/^Timed out after 1s: sent SIGTERM/);
    expect(failureMessageText('es', recorded)).not.toBe(recorded);
    expect(shown).toContain(failureMessageText('es', recorded));
  }, 120_000);

  it('words main’s own refusals and bad IPC input in the window’s language; English as before', async () => {
    /** The error main answers `channel` with (the call must be refused). */
    const refusal = async (channel: ChannelName, input: unknown) => {
      const result = (await harness.service.dispatch(channel, input)) as Result<unknown>;
      if (result.ok) throw new Error(`${channel} was not refused`);
      return result.error;
    };
    const before = await head();
    await call('ui.setLanguage', { lang: 'es' });
    // A refusal main writes itself: no saved target by that name. Nothing is appended.
    const missing = await refusal('targets.remove', { name: 'ghost' });
    expect(missing.code).toBe('TARGET_NOT_FOUND');
    expect(missing.message).toBe(translate('es', 'main.target.notFound', { name: 'ghost' }));
    expect(missing.message).toBe('No hay ningún destino guardado llamado "ghost". Añádalo primero en la pantalla de Destinos.');
    expect((await refusal('identities.statement', { name: 'nadie' })).message).toBe('No hay ninguna identidad llamada "nadie" en esta bóveda.');
    // Bad IPC input: what is wrong with each field, after its path, and what to do, in Spanish.
    const bad = await refusal('targets.remove', { name: 42, extra: true });
    expect(bad.code).toBe('BAD_INPUT');
    expect(bad.message).toContain('name: el valor falta o no es del tipo esperado (se esperaba un texto). Envíelo como pide el formulario.');
    expect(bad.message).toContain('campos que esta llamada no admite: extra. Quítelos.');
    expect(bad.message).not.toMatch(/expected|Invalid|received/);
    expect(await head()).toEqual(before);

    await call('ui.setLanguage', { lang: 'en' });
    expect((await refusal('targets.remove', { name: 'ghost' })).message).toBe('No saved target named "ghost". Add it on the Targets screen first.');
    expect((await refusal('identities.statement', { name: 'nadie' })).message).toBe('No identity named "nadie" in this vault.');
    const english = await refusal('targets.remove', { name: 42, extra: true });
    expect(english.code).toBe('BAD_INPUT');
    expect(english.message).toMatch(/expected string/);
    expect(english.message).not.toMatch(/esperaba|campos/);
    expect(await head()).toEqual(before);
  });

  it('words core’s refusals main recognises (a run not in the vault, a vault that will not open) in the window’s language', async () => {
    const refusal = async (channel: ChannelName, input: unknown) => {
      const result = (await harness.service.dispatch(channel, input)) as Result<unknown>;
      if (result.ok) throw new Error(`${channel} was not refused`);
      return result.error;
    };
    const ghost = '00000000-0000-4000-8000-000000000000';
    const vault = join(tmp, 'lang.vault');
    const before = await head();
    // A run the open vault does not have: core's refusal, worded by main.
    const englishRun = await refusal('run.status', { runId: ghost });
    expect((await refusal('pack.verify', { path: join(tmp, 'no-such-pack.zip') })).message).toBe(`No pack at ${join(tmp, 'no-such-pack.zip')}: give a pack folder or a pack .zip.`);
    expect(englishRun.message).toMatch(new RegExp(`^No run ${ghost} in this vault`));
    await call('ui.setLanguage', { lang: 'es' });
    const run = await refusal('run.status', { runId: ghost });
    expect(run.code).toBe(englishRun.code);
    expect(run.message).toBe(`No hay ninguna ejecución ${ghost} en esta bóveda; véala con \`cutover run list\`.`);
    // A pack that is not there (main sees the path is missing), and a War room act with no ledger followed.
    const pack = join(tmp, 'no-such-pack.zip');
    const noPack = `No hay ningún paquete en ${pack}: indique una carpeta de paquete o un .zip de paquete.`;
    expect((await refusal('pack.importSignature', { runId, path: pack, identity: 'ana' })).message).toBe(noPack);
    expect((await refusal('pack.verify', { path: pack })).message).toBe(noPack);
    expect((await refusal('warRoom.approve', { runId })).message).toBe('El War room no sigue ningún libro mayor para esta bóveda: conéctese primero al libro mayor del equipo.');
    expect(await head()).toEqual(before);

    // A vault that will not open (an unlock closes the open vault first; it is opened again below).
    await call('ui.setLanguage', { lang: 'en' });
    const englishOpen = await refusal('vault.unlock', { path: vault, passphrase: 'not the passphrase at all' });
    expect(englishOpen.code).toBe('WRONG_PASSPHRASE');
    expect(englishOpen.message).toBe('Wrong passphrase: it does not unlock this vault. Nothing was changed; try again.');
    await call('ui.setLanguage', { lang: 'es' });
    const open = await refusal('vault.unlock', { path: vault, passphrase: 'not the passphrase at all' });
    expect(open.code).toBe('WRONG_PASSPHRASE');
    expect(open.message).toBe('Frase de contraseña incorrecta: no desbloquea esta bóveda. No se cambió nada; inténtelo de nuevo.');
    const missing = await refusal('vault.unlock', { path: join(tmp, 'nowhere.vault'), passphrase: 'correct horse battery staple' });
    expect(missing.code).toBe('VAULT_NOT_FOUND');
    expect(missing.message).toBe(`No hay ninguna bóveda en ${join(tmp, 'nowhere.vault')}. Compruebe la ruta, o cree una con \`cutover vault init --vault ${join(tmp, 'nowhere.vault')}\`.`);
    // The Spanish window itself: its vault gate shows main's refusal of a wrong passphrase in Spanish.
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await page.goto(`${harness.url}?lang=es`);
    await page.getByRole('radio', { name: es.gate.modeUnlock }).check();
    await page.getByLabel(es.gate.pathLabel, { exact: true }).fill(vault);
    await page.getByLabel(es.gate.passphraseLabel, { exact: true }).fill('not the passphrase at all');
    await page.getByRole('button', { name: es.gate.unlock, exact: true }).click();
    const notice = page.locator('[role="alert"][data-error-code="WRONG_PASSPHRASE"] .notice-detail');
    expect(await notice.textContent()).toBe(open.message);
    expect(errors).toEqual([]);
    await page.close();
    // A refused unlock closed the vault that was open: nothing else is open now, said in Spanish.
    expect((await refusal('run.status', { runId })).message).toBe('No hay ninguna bóveda desbloqueada. Cree o desbloquee una bóveda primero.');
    await call('vault.unlock', { path: vault, passphrase: 'correct horse battery staple' });
    await call('ui.setLanguage', { lang: 'en' });
    expect(await head()).toEqual(before);
  });

  it('describes a runbook’s gates on the Runbooks screen in the window’s language, unless the runbook names one', async () => {
    const text = RUNBOOK.replace('read_only: true, abort_on:', 'read_only: true, expect: [ { exit_code: 0 }, { output_contains: "ok" } ], abort_on:');
    const gatesOf = async (runbook: string) => {
      const opened = await call<RunbookOpenResult>('runbook.open', { text: runbook, source: 'window-language.yaml' });
      if (!opened.ok) throw new Error('the runbook did not open');
      return opened.runbook.phases[0]!.steps[0]!.gates.map((g) => g.text);
    };
    await call('ui.setLanguage', { lang: 'es' });
    const spanish = await gatesOf(text);
    expect(spanish).toEqual([translate('es', 'gate.exit', { code: 0 }), translate('es', 'gate.contains', { text: 'ok' }), translate('es', 'gate.abortOn', { pattern: 'DuplicateTable' })]);
    expect(spanish.join(' ')).not.toMatch(/exit code|output contains|abort on/);
    // A runbook that names its language keeps it in any window.
    await call('ui.setLanguage', { lang: 'en' });
    expect(await gatesOf(text.replace('version: "1"', 'version: "1"\nlanguage: es'))).toEqual(spanish);
    expect(await gatesOf(text)).toEqual(['exit code = 0', 'output contains "ok"', 'abort on /DuplicateTable/']);
  });

  it('refuses a language the window does not have, as data', async () => {
    const result = await harness.service.dispatch('ui.setLanguage', { lang: 'fr' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('BAD_INPUT');
      expect(result.error.message).toBe("The window's language is one of en, es.");
    }
  });
});
