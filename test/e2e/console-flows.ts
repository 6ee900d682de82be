// What a DBA and the approvers do in the workstation's screens, step by step. Labels come from
// the English strings file, so a wording change cannot silently break these flows.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { en } from '../../src/shared/i18n/window/en';
import { makeClientKey, type ClientKey } from '../helpers/sshd';
import { openScreen } from './flows';

/** The DOM calls page-side predicates make, typed here: this file is checked without the DOM's types. */
interface PageDocument {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
}

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));

export async function actAs(page: Page, name: string): Promise<void> {
  await page.getByLabel(en.actor.label, { exact: true }).selectOption(name);
}

/**
 * Adds a person on the People screen: the vault's owner with a key the vault generates (only
 * while it has no owner), anyone else by the public key line of their own key.
 */
export async function addIdentity(page: Page, input: { name: string; role: 'operator' | 'approver'; publicKey?: string }): Promise<void> {
  await openScreen(page, en.nav.people);
  await page.getByLabel(en.people.nameLabel, { exact: true }).fill(input.name);
  const roles = page.getByRole('group', { name: en.people.rolesLegend });
  await roles.getByLabel(en.identities.role.operator, { exact: true }).setChecked(input.role === 'operator');
  await roles.getByLabel(en.identities.role.approver, { exact: true }).setChecked(input.role === 'approver');
  if (input.publicKey) {
    await page.getByLabel(en.people.publicKeyLabel, { exact: true }).fill(input.publicKey);
  } else {
    await page.getByLabel(en.people.sourceGenerate, { exact: true }).check();
  }
  await page.getByRole('button', { name: en.people.add, exact: true }).click();
  await page.getByRole('status').filter({ hasText: `${input.name} added` }).waitFor();
}

/** `ssh-keygen -Y sign -n NAMESPACE -f KEY FILE` on the person's own machine; returns FILE.sig. */
export function sshSign(keyPath: string, namespace: string, file: string): string {
  const signed = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', namespace, '-f', keyPath, file], { encoding: 'utf8' });
  expect(signed.status, signed.stderr).toBe(0);
  return `${file}.sig`;
}

/**
 * An unproven person proves their key from the People screen: the statement is saved to a file
 * on "their machine", signed there with ssh-keygen, and the .sig imported.
 */
export async function proveIdentity(page: Page, input: { name: string; keyPath: string; statementPath: string }): Promise<void> {
  await openScreen(page, en.nav.people);
  const person = page.locator(`.identities li[data-identity="${input.name}"]`);
  const prove = person.locator(`details[data-prove="${input.name}"]`);
  await prove.locator('summary').click();
  await prove.getByLabel(en.people.statementPathLabel, { exact: true }).fill(input.statementPath);
  await prove.getByRole('button', { name: en.people.saveStatement, exact: true }).click();
  await prove.getByRole('status').waitFor();
  expect(await prove.getByTestId('prove-command').textContent()).toBe(`ssh-keygen -Y sign -n cutover-identity-v1 -f KEY ${input.statementPath}`);
  const sig = sshSign(input.keyPath, 'cutover-identity-v1', input.statementPath);
  expect(await prove.getByLabel(en.people.signaturePathLabel, { exact: true }).inputValue()).toBe(sig);
  await prove.getByRole('button', { name: fill(en.people.prove, { name: input.name }), exact: true }).click();
  await page.locator(`.identities li[data-identity="${input.name}"][data-standing="proven"]`).waitFor();
}

/**
 * An approver with a key of their own in `dir`/NAME-machine: registered by public key, proven
 * with ssh-keygen there, and (with `bring`) their key file brought to this session.
 */
export async function addApprover(page: Page, input: { name: string; dir: string; bring?: boolean }): Promise<ClientKey> {
  const machine = join(input.dir, `${input.name}-machine`);
  mkdirSync(machine, { recursive: true });
  const key = makeClientKey(machine, 'id_ed25519');
  await addIdentity(page, { name: input.name, role: 'approver', publicKey: key.publicKey });
  await proveIdentity(page, { name: input.name, keyPath: key.path, statementPath: join(machine, `${input.name}.identity.json`) });
  if (input.bring) await bringKey(page, key.path, input.name);
  return key;
}

/** A person at the workstation brings their key file for this session (People screen). */
export async function bringKey(page: Page, path: string, name: string): Promise<void> {
  await openScreen(page, en.nav.people);
  await page.getByLabel(en.keys.pathLabel, { exact: true }).fill(path);
  await page.getByRole('button', { name: en.keys.bring, exact: true }).click();
  await page.locator(`[data-usable-key="${name}"]`).waitFor();
}

/**
 * An attestation by someone away from the workstation: the act is exported for them, signed on
 * their machine with ssh-keygen, and imported with its .sig from the step's "Signed elsewhere".
 */
export async function attestElsewhere(page: Page, id: string, input: { by: string; keyPath: string; actPath: string }): Promise<void> {
  await selectStep(page, id);
  const box = page.getByTestId(`act-elsewhere-${id}`);
  if (!(await box.isVisible())) await page.locator(`[data-step-detail="${id}"] details.elsewhere > summary`).click();
  await box.getByLabel(en.elsewhere.byLabel, { exact: true }).selectOption(input.by);
  await box.getByLabel(en.elsewhere.pathLabel, { exact: true }).fill(input.actPath);
  await box.getByRole('button', { name: fill(en.elsewhere.export, { name: input.by }), exact: true }).click();
  expect(await box.getByTestId('act-command').textContent()).toBe(`ssh-keygen -Y sign -n cutover-act-v1 -f KEY ${input.actPath}`);
  sshSign(input.keyPath, 'cutover-act-v1', input.actPath);
  await box.getByRole('button', { name: en.elsewhere.import, exact: true }).click();
  await waitForStatus(page, id, ['PASS']);
}

export async function storeSecret(page: Page, name: string, value: string): Promise<void> {
  await openScreen(page, en.nav.targets);
  await page.getByLabel(en.secrets.nameLabel, { exact: true }).fill(name);
  await page.getByLabel(en.secrets.valueLabel, { exact: true }).fill(value);
  await page.getByRole('button', { name: en.secrets.set, exact: true }).click();
  await page.getByRole('status').filter({ hasText: fill(en.secrets.stored, { name }) }).waitFor();
  // The value is gone from the form, and appears nowhere on the page.
  expect(await page.getByLabel(en.secrets.valueLabel, { exact: true }).inputValue()).toBe('');
  expect(await page.content()).not.toContain(value);
}

export async function saveSshTarget(page: Page, t: { name: string; host: string; port: number; user: string; cwd: string }): Promise<void> {
  await openScreen(page, en.nav.targets);
  await page.getByLabel(en.targets.kindName.ssh, { exact: true }).check();
  await page.getByLabel(en.targets.name, { exact: true }).fill(t.name);
  await page.getByLabel(en.targets.hostLabel, { exact: true }).fill(t.host);
  await page.getByLabel(`${en.targets.portLabel} ${en.common.optional}`, { exact: true }).fill(String(t.port));
  await page.getByLabel(`${en.targets.userLabel} ${en.common.optional}`, { exact: true }).fill(t.user);
  await page.getByLabel(`${en.targets.cwdLabel} ${en.common.optional}`, { exact: true }).fill(t.cwd);
  await page.getByRole('button', { name: en.targets.save, exact: true }).click();
  await page.locator(`[data-target="${t.name}"]`).waitFor();
}

export async function savePostgresTarget(page: Page, t: { name: string; dsn: string; secret: string }): Promise<void> {
  await openScreen(page, en.nav.targets);
  await page.getByLabel(en.targets.kindName.postgres, { exact: true }).check();
  await page.getByLabel(en.targets.name, { exact: true }).fill(t.name);
  await page.getByLabel(en.targets.dsnLabel, { exact: true }).fill(t.dsn);
  await page.getByLabel(en.targets.tlsLabel, { exact: true }).selectOption('disable');
  await page.getByLabel(`${en.targets.secretLabel} ${en.common.optional}`, { exact: true }).fill(t.secret);
  await page.getByRole('button', { name: en.targets.save, exact: true }).click();
  await page.locator(`[data-target="${t.name}"]`).waitFor();
}

/** Clicks "Test connection" and waits for its verdict. */
export async function testTarget(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: fill(en.targets.testNamed, { name }) }).click();
}

export async function testResult(page: Page, name: string): Promise<{ state: string; text: string }> {
  const result = page.locator(`[data-target="${name}"] [data-test-result]`);
  await result.waitFor();
  return { state: (await result.getAttribute('data-test-result')) ?? '', text: (await result.textContent()) ?? '' };
}

/** The host-key dialog: returns the fingerprint shown, then trusts (or refuses) it. */
export async function answerHostKey(page: Page, accept: boolean): Promise<string> {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const fingerprint = (await page.getByTestId('host-key-fingerprint').textContent()) ?? '';
  await dialog.getByRole('button', { name: accept ? en.hostKey.accept : en.hostKey.refuse, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  return fingerprint.trim();
}

export async function openRunbookFile(page: Page, path: string): Promise<void> {
  await openScreen(page, en.nav.runbooks);
  await page.getByLabel(en.runbooks.fileLabel, { exact: true }).setInputFiles(path);
}

export async function startRun(page: Page, targets: Record<string, { saved?: string; uri?: string }>, actor: string): Promise<void> {
  for (const [name, choice] of Object.entries(targets)) {
    if (choice.saved) await page.getByLabel(fill(en.runbooks.useSaved, { name }), { exact: true }).selectOption(choice.saved);
    if (choice.uri) await page.getByLabel(fill(en.runbooks.overrideLabel, { name }), { exact: true }).fill(choice.uri);
  }
  await page.getByRole('button', { name: fill(en.runbooks.start, { actor }) }).click();
  await page.locator('.phase-timeline').waitFor();
}

const step = (page: Page, id: string) => page.locator(`.phase-timeline [data-step="${id}"]`);

export async function selectStep(page: Page, id: string): Promise<void> {
  await step(page, id).click();
  await page.locator(`[data-step-detail="${id}"]`).waitFor();
}

export async function stepStatus(page: Page, id: string): Promise<string> {
  return (await step(page, id).getAttribute('data-status')) ?? '';
}

export async function waitForStatus(page: Page, id: string, statuses: string[], timeout = 120_000): Promise<string> {
  await page.waitForFunction(
    ([selector, wanted]) => wanted.includes((globalThis as unknown as { document: PageDocument }).document.querySelector(selector)?.getAttribute('data-status') ?? ''),
    [`.phase-timeline [data-step="${id}"]`, statuses] as const,
    { timeout },
  );
  return stepStatus(page, id);
}

export async function attest(page: Page, id: string, actor: string): Promise<void> {
  await selectStep(page, id);
  await page.getByRole('button', { name: fill(en.run.attest, { actor }) }).click();
  await waitForStatus(page, id, ['PASS']);
}

export async function record(page: Page, id: string, values: Record<string, string>): Promise<void> {
  await selectStep(page, id);
  const detail = page.locator(`[data-step-detail="${id}"]`);
  for (const [label, value] of Object.entries(values)) await detail.getByLabel(label).fill(value);
  await detail.getByRole('button', { name: en.run.record, exact: true }).click();
  await waitForStatus(page, id, ['PASS']);
}

export async function markDone(page: Page, id: string, note: string): Promise<void> {
  await selectStep(page, id);
  const detail = page.locator(`[data-step-detail="${id}"]`);
  await detail.getByLabel(en.run.note).fill(note);
  await detail.getByRole('button', { name: en.run.done, exact: true }).click();
  await waitForStatus(page, id, ['PASS']);
}

/** Runs a check or command and waits for it to end; returns its status. */
export async function execute(page: Page, id: string, options: { command?: boolean; expect?: string[] } = {}): Promise<string> {
  await selectStep(page, id);
  await page.locator(`[data-step-detail="${id}"]`).getByRole('button', { name: options.command ? en.run.runCommand : en.run.runStep, exact: true }).click();
  return waitForStatus(page, id, options.expect ?? ['PASS', 'FAIL', 'BLOCKED', 'INTERRUPTED']);
}

/** The transcript check under the terminal of the selected step, once it has a verdict. */
export async function transcriptCheck(page: Page, id: string): Promise<{ state: string; bytes: number; sha256: string }> {
  const check = page.locator(`[data-step-detail="${id}"] [data-transcript-check]`);
  await page.waitForFunction(
    (selector) => ['match', 'mismatch', 'vault', 'empty'].includes((globalThis as unknown as { document: PageDocument }).document.querySelector(selector)?.getAttribute('data-transcript-check') ?? ''),
    `[data-step-detail="${id}"] [data-transcript-check]`,
    { timeout: 60_000 },
  );
  return {
    state: (await check.getAttribute('data-transcript-check')) ?? '',
    bytes: Number(await check.getAttribute('data-received-bytes')),
    sha256: (await check.getAttribute('data-received-sha256')) ?? '',
  };
}

/** Visible text of the terminal's rows (xterm's DOM renderer). */
export async function terminalText(page: Page, id: string): Promise<string> {
  // xterm draws only while the terminal is on screen.
  await page.locator(`[data-step-detail="${id}"] [data-testid="terminal"]`).scrollIntoViewIfNeeded();
  await page.waitForTimeout(100);
  return page.locator(`[data-step-detail="${id}"] .xterm-rows`).innerText();
}

export async function refusalOf(page: Page, id: string): Promise<{ code: string; text: string } | null> {
  const refusal = page.locator(`[data-step-detail="${id}"] [data-refusal]`);
  if ((await refusal.count()) === 0) return null;
  return { code: (await refusal.getAttribute('data-refusal')) ?? '', text: (await refusal.textContent()) ?? '' };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core on the page as it is now. Its source goes in through the DevTools protocol (a
 * page.evaluate), because the app's CSP rightly refuses an injected inline script.
 */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(`(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  })()`);
}

/** No serious or critical violation; everything found is returned for the report. */
export async function expectAccessible(page: Page, screen: string, log: Map<string, AxeViolation[]>): Promise<void> {
  const violations = await axeScan(page);
  log.set(screen, violations);
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${screen}: ${JSON.stringify(bad, null, 2)}`).toEqual([]);
}
