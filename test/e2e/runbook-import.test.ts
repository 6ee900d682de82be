// Importing a Markdown runbook in the window: the real renderer in Debian's Chromium against the
// real core through the loopback harness, on a copy of one of the teams' runbooks. The Markdown
// and its draft side by side, an unmapped line marked with its reason, a draft step and its source
// line linked both ways (by click and by keyboard), the draft saved through main's save dialog with
// the very bytes `cutover runbook import` writes, an existing file replaced only once confirmed;
// bad files refused with a clear message and nothing written; the screen in Spanish. No mocks.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, MarkdownImportView } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { en, type Strings } from '../../src/shared/i18n/window/en';
import { es } from '../../src/shared/i18n/window/es';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { describeRun, REPO_ROOT, runCli } from '../helpers/cli';
import { expectAccessible, type AxeViolation } from './console-flows';
import { openScreen, screenshot, watchForPageErrors } from './flows';
import { todoText, whyText } from '../../src/core/runbook/import';
import { found } from '../report/language-sentences';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const PASSPHRASE = 'correct horse battery staple';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const RUNBOOK = 'alembic-governance-cutover.md';

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));

interface CliCoverage {
  lines: Array<{ line: number; mapped?: string; why?: string }>;
  todos: Array<{ where: string; what: string; line: number }>;
}

/** Every file under `dir`, recursively, with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name)] = readFileSync(join(entry.parentPath, entry.name), 'base64');
  }
  return out;
}

/** Whether `line` is inside its scrolling pane's visible area. */
async function inView(line: Locator): Promise<boolean> {
  return line.evaluate((el) => {
    const pane = el.closest('ol')!.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    return box.top >= pane.top - 1 && box.bottom <= pane.bottom + 1;
  });
}

describe('importing a Markdown runbook in the window', () => {
  let tmp: string;
  let browser: Browser;
  let harness: Harness;
  const dialog: { next: string | null; asked: Array<{ purpose: string; name?: string }> } = { next: null, asked: [] };
  /** The Markdown as the team brought it, in a folder of its own. */
  let markdown: string;
  /** What `cutover runbook import` writes for it. */
  let cliYaml: Buffer;
  let coverage: CliCoverage;

  async function dispatch<T>(channel: ChannelName, input?: unknown): Promise<Result<T>> {
    return (await harness.service.dispatch(channel, input)) as Result<T>;
  }

  async function openImport(page: Page, strings: Strings = en): Promise<void> {
    await page.goto(harness.url);
    await page.getByRole('navigation', { name: strings.nav.label }).waitFor();
    await openScreen(page, en.nav.runbooks);
    await page.getByRole('button', { name: strings.runbookImport.open, exact: true }).click();
    await page.getByRole('heading', { name: strings.runbookImport.heading, level: 1 }).waitFor();
  }

  async function choose(page: Page, path: string, strings: Strings = en): Promise<void> {
    dialog.next = path;
    await page.getByRole('button', { name: strings.runbookImport.choose, exact: true }).click();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    tmp = mkdtempSync(join(tmpdir(), 'cutover-md-import-'));
    await buildRenderer(join(tmp, 'renderer'));
    harness = await startHarness({
      rendererDir: join(tmp, 'renderer'),
      defaultVaultPath: join(tmp, 'default.vault'),
      keychain: null,
      autoLockMs: null,
      sshConfigPath: join(tmp, 'no-ssh-config'),
      chooseFile: async (purpose, name) => {
        dialog.asked.push({ purpose, ...(name ? { name } : {}) });
        return dialog.next;
      },
    });
    await harness.service.dispatch('vault.create', { path: join(tmp, 'import.vault'), passphrase: PASSPHRASE });
    mkdirSync(join(tmp, 'team'));
    markdown = join(tmp, 'team', RUNBOOK);
    cpSync(join(REPO_ROOT, 'test/runbook/markdown', RUNBOOK), markdown);
    const cli = await runCli(['runbook', 'import', markdown, '--out', join(tmp, 'cli.yaml'), '--json']);
    expect(cli.code, describeRun(cli)).toBe(0);
    coverage = (JSON.parse(cli.stdout) as { coverage: CliCoverage }).coverage;
    cliYaml = readFileSync(join(tmp, 'cli.yaml'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the Markdown beside its draft, links a step to its source line and back, and saves the bytes the CLI writes', { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await openImport(page);
    dialog.asked = [];
    await choose(page, markdown);
    const result = page.getByTestId('import-result');
    await result.waitFor();
    expect(dialog.asked).toEqual([{ purpose: 'markdown' }]);
    expect(await page.getByTestId('import-path').textContent()).toBe(markdown);

    // Side by side: the source on the left, the draft on the right, every line of each.
    const source = page.getByTestId('import-source');
    const draft = page.getByTestId('import-draft');
    const [left, right] = [(await source.boundingBox())!, (await draft.boundingBox())!];
    expect(left.x + left.width).toBeLessThanOrEqual(right.x);
    expect(Math.abs(left.y - right.y)).toBeLessThan(2);
    const sourceText = readFileSync(markdown, 'utf8').replace(/\n$/, '').split('\n');
    const shownSource = await source.locator('li .import-text').allTextContents();
    expect(shownSource.map((l) => (l.trim() === '' ? '' : l))).toEqual(sourceText.map((l) => (l.trim() === '' ? '' : l)));
    const yamlLines = cliYaml.toString('utf8').replace(/\n$/, '').split('\n');
    const shownDraft = await draft.locator('li .import-text').allTextContents();
    expect(shownDraft.map((l) => (l.trim() === '' ? '' : l))).toEqual(yamlLines);

    // The counts are the CLI's coverage report's.
    const counts = page.getByTestId('import-counts');
    const mapped = coverage.lines.filter((l) => l.mapped).length;
    const unmapped = coverage.lines.length - mapped;
    expect(unmapped).toBeGreaterThan(0);
    expect(await counts.textContent()).toBe(fill(en.runbookImport.counts, { mapped, unmapped, todos: coverage.todos.length }));

    // An unmapped line: marked, its reason in its title and as text for a screen reader.
    const gap = coverage.lines.find((l) => !l.mapped)!;
    const gapLine = source.locator(`li[data-source-line="${gap.line}"]`);
    expect(await gapLine.getAttribute('data-state')).toBe('unmapped');
    expect(await gapLine.getAttribute('title')).toBe(fill(en.runbookImport.unmapped, { why: gap.why! }));
    expect(await gapLine.locator('.visually-hidden').allTextContents()).toContain(fill(en.runbookImport.unmapped, { why: gap.why! }));
    const background = (l: Locator) => l.locator('> *').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    const plainMapped = source.locator('li[data-state="mapped"]').first();
    expect(await background(gapLine)).not.toBe(await background(plainMapped));

    // A draft step leads to its source line: highlighted and scrolled into view.
    const stepAt = yamlLines.findIndex((l) => l.trim() === '- id: prod-heads-preflight') + 1;
    const from = Number(/# from .+:(\d+)$/.exec(yamlLines[stepAt - 2]!)![1]);
    await draft.locator(`li[data-yaml-line="${stepAt}"] button`).click();
    const fromLine = source.locator(`li[data-source-line="${from}"]`);
    await fromLine.and(page.locator('[data-selected="true"]')).waitFor();
    expect(await inView(fromLine)).toBe(true);
    expect(await source.locator('li[data-selected="true"]').count()).toBe(1);
    expect(await page.getByTestId('import-link-status').textContent()).toBe(fill(en.runbookImport.linked, { source: from, yaml: stepAt, where: 'phases[P0].steps[prod-heads-preflight]' }));
    await screenshot(page, '60-runbook-import');

    // And back, by keyboard: the source line of the draft's last step, far down the draft.
    const lastStepAt = yamlLines.findLastIndex((l) => /^\s*- id: /.test(l)) + 1;
    const lastFrom = Number(/# from .+:(\d+)$/.exec(yamlLines[lastStepAt - 2]!)![1]);
    const lastSource = source.locator(`li[data-source-line="${lastFrom}"] button`);
    await lastSource.focus();
    await page.keyboard.press('Enter');
    const target = draft.locator(`li[data-yaml-line="${lastStepAt}"]`);
    await target.and(page.locator('[data-selected="true"]')).waitFor();
    expect(await inView(target)).toBe(true);
    expect(await draft.locator(`li[data-yaml-line="${stepAt}"][data-selected="true"]`).count()).toBe(0);

    await expectAccessible(page, 'runbook-import', new Map<string, AxeViolation[]>());

    // Save YAML…: the save dialog suggests the Markdown's name as .yaml; the bytes are the CLI's.
    mkdirSync(join(tmp, 'drafts'));
    const out = join(tmp, 'drafts', 'alembic.yaml');
    dialog.next = out;
    dialog.asked = [];
    await page.getByRole('button', { name: en.runbookImport.save, exact: true }).click();
    await page.getByRole('status').filter({ hasText: fill(en.runbookImport.saved, { path: out, bytes: cliYaml.length }) }).waitFor();
    expect(dialog.asked).toEqual([{ purpose: 'draft', name: 'alembic-governance-cutover.yaml' }]);
    expect(readFileSync(out).equals(cliYaml)).toBe(true);

    // An existing file is replaced only once confirmed: cancelled, it is left as it was.
    const kept = join(tmp, 'drafts', 'kept.yaml');
    writeFileSync(kept, 'keep me\n');
    dialog.next = kept;
    await page.getByRole('button', { name: en.runbookImport.save, exact: true }).click();
    const exists = page.getByTestId('draft-exists');
    await exists.getByText(fill(en.runbookImport.exists, { path: kept })).waitFor();
    expect(readFileSync(kept, 'utf8')).toBe('keep me\n');
    await exists.getByRole('button', { name: en.runbookImport.cancel, exact: true }).click();
    await exists.waitFor({ state: 'detached' });
    expect(readFileSync(kept, 'utf8')).toBe('keep me\n');
    await page.getByRole('button', { name: en.runbookImport.save, exact: true }).click();
    await exists.getByRole('button', { name: en.runbookImport.replace, exact: true }).click();
    await page.getByRole('status').filter({ hasText: fill(en.runbookImport.saved, { path: kept, bytes: cliYaml.length }) }).waitFor();
    expect(readFileSync(kept).equals(cliYaml)).toBe(true);
    expect(readdirSync(join(tmp, 'drafts')).sort()).toEqual(['alembic.yaml', 'kept.yaml']);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('refuses a binary file, an oversized file and Markdown that is not a runbook with a clear message, writing nothing; a changed Markdown is not saved', { timeout: 60_000 }, async () => {
    const bad = join(tmp, 'bad');
    mkdirSync(bad);
    const binary = join(bad, 'binary.md');
    writeFileSync(binary, Buffer.from([0x23, 0x20, 0x52, 0x00, 0x01, 0xff, 0xfe, 0x0a]));
    const huge = join(bad, 'huge.md');
    writeFileSync(huge, '- a step\n'.repeat(Math.ceil((1024 * 1024 + 1) / 9)));
    const readme = join(bad, 'README.md');
    writeFileSync(readme, '# A library\n\nIt does things.\n\n## Install\n\nRun the installer.\n');
    const before = { ...snapshot(bad), ...snapshot(join(tmp, 'team')) };

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchForPageErrors(page);
    await openImport(page);
    const cases: Array<[string, RegExp]> = [
      [binary, /binary/],
      [huge, /too large for a Markdown runbook \(at most 1048576 bytes\)/],
      [readme, /does not look like a runbook/],
    ];
    for (const [file, message] of cases) {
      await choose(page, file);
      const alert = page.locator('[role="alert"][data-error-code="NOT_A_MARKDOWN_RUNBOOK"]');
      await alert.filter({ hasText: message }).waitFor();
      expect(await alert.textContent()).toContain(en.errors.NOT_A_MARKDOWN_RUNBOOK);
      expect(await page.getByTestId('import-result').count()).toBe(0);
    }
    expect({ ...snapshot(bad), ...snapshot(join(tmp, 'team')) }).toEqual(before);
    await page.close();
    expect(errors).toEqual([]);

    // Through the contract: a draft is saved only if the Markdown still gives the draft shown, and
    // only to a file the save dialog chose.
    const changing = join(bad, 'changing.md');
    cpSync(markdown, changing);
    dialog.next = changing;
    const picked = (await dispatch<{ token: string }>('files.choose', { purpose: 'markdown' })) as { ok: true; value: { token: string } };
    const view = (await dispatch<MarkdownImportView>('runbook.importMarkdown', { token: picked.value.token })) as { ok: true; value: MarkdownImportView };
    // The title changes: so does the draft's.
    writeFileSync(changing, readFileSync(markdown, 'utf8').replace('(For Final Governance Approval)', '(Revised)'));
    dialog.next = join(bad, 'changing.yaml');
    const saveAt = (await dispatch<{ token: string }>('files.choose', { purpose: 'draft' })) as { ok: true; value: { token: string } };
    const changed = await dispatch('runbook.saveImportedDraft', { source: picked.value.token, token: saveAt.value.token, yamlSha256: view.value.yamlSha256 });
    expect(changed).toMatchObject({ ok: false, error: { code: 'DRAFT_CHANGED', message: expect.stringMatching(/changed since it was imported.*Import it again/) } });
    const notChosen = await dispatch('runbook.saveImportedDraft', { source: picked.value.token, token: picked.value.token, yamlSha256: view.value.yamlSha256 });
    expect(notChosen).toMatchObject({ ok: false, error: { code: 'PATH_NOT_CHOSEN' } });
    expect(existsSync(join(bad, 'changing.yaml'))).toBe(false);
    expect(readdirSync(bad).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('is in Spanish when the window is', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await page.goto(harness.url);
    await page.getByTestId('language-switch').selectOption('es');
    await page.getByRole('navigation', { name: es.nav.label }).waitFor();
    await page.getByRole('navigation', { name: es.nav.label }).getByRole('button', { name: es.nav.runbooks, exact: true }).click();
    await page.getByRole('button', { name: es.runbookImport.open, exact: true }).click();
    await page.getByRole('heading', { name: es.runbookImport.heading, level: 1 }).waitFor();
    await choose(page, markdown, es);
    await page.getByTestId('import-result').waitFor();
    const mapped = coverage.lines.filter((l) => l.mapped).length;
    expect(await page.getByTestId('import-counts').textContent()).toBe(fill(es.runbookImport.counts, { mapped, unmapped: coverage.lines.length - mapped, todos: coverage.todos.length }));
    await page.getByRole('heading', { name: fill(es.runbookImport.sourceHeading, { source: RUNBOOK }) }).waitFor();
    await page.getByRole('heading', { name: es.runbookImport.draftHeading }).waitFor();
    // Why a line became nothing and what a line became: the importer's words in the window's language.
    const gap = coverage.lines.find((l) => !l.mapped)!;
    expect(whyText('es', gap.why!)).not.toBe(gap.why);
    expect(await page.locator(`li[data-source-line="${gap.line}"]`).getAttribute('title')).toBe(fill(es.runbookImport.unmapped, { why: whyText('es', gap.why!) }));
    const step = coverage.lines.find((l) => / \(check\)$/.test(l.mapped ?? ''))!;
    expect(await page.locator(`li[data-source-line="${step.line}"]`).getAttribute('title')).toBe(fill(es.runbookImport.mapped, { what: step.mapped!.replace(/ \(check\)$/, ' (paso check)') }));
    const todos = await page.locator('.import-todos li').allTextContents();
    expect(todos.join('\n')).toContain(todoText('es', coverage.todos[0]!.what));
    expect(found(todos.join('\n'), 'en')).toEqual([]);
    await page.getByRole('button', { name: es.runbookImport.save, exact: true }).waitFor();
    await page.getByRole('button', { name: es.runbookImport.back, exact: true }).click();
    await page.getByRole('button', { name: es.runbookImport.open, exact: true }).waitFor();
    // Back on Runbooks, the focus is on its heading.
    await page.waitForFunction((heading) => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent === heading, es.runbooks.heading);
    await page.close();
    expect(errors).toEqual([]);
  });
});
