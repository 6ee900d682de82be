// The Targets screen saves and tests MySQL/MariaDB and HTTP targets, not only SSH, PostgreSQL and
// this workstation: the real renderer in Debian's Chromium against the real core through the
// loopback harness, a real MariaDB login (its password a vault secret) and a real HTTP server
// that wants a bearer token. A run offers, for each runbook target, only the saved targets that
// can stand in for it.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, SavedTargetView } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { canStandIn } from '../../src/shared/target-kinds';
import { en } from '../../src/shared/i18n/window/en';
import { es } from '../../src/shared/i18n/window/es';
import { buildRenderer } from '../harness/build-renderer';
import { startHarness, type Harness } from '../harness/server';
import { useTestMysql, type TestMysql } from '../helpers/mysql';
import { actAs, expectAccessible, openRunbookFile, savePostgresTarget, storeSecret, testResult, testTarget, type AxeViolation } from './console-flows';
import { watchForPageErrors } from './flows';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const TOKEN = 'tok-3f9a-never-shown';

const fill = (text: string, vars: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k]));

describe('MySQL and HTTP targets on the Targets screen', () => {
  let tmp: string;
  let browser: Browser;
  let harness: Harness;
  let api: Server;
  let apiUrl: string;
  let db: TestMysql;
  const seen: Array<{ method: string; auth: string | undefined }> = [];
  const axe = new Map<string, AxeViolation[]>();

  async function call<T>(channel: ChannelName, input?: unknown): Promise<T> {
    const result = (await harness.service.dispatch(channel, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  async function saveMysql(page: Page, name: string, secret: string): Promise<void> {
    await page.getByLabel(en.targets.kindName.mysql, { exact: true }).check();
    await page.getByLabel(en.targets.name, { exact: true }).fill(name);
    await page.getByLabel(en.targets.dsnLabel, { exact: true }).fill(db.dsn);
    expect(await page.getByText(en.targets.mysqlDsnHint).count()).toBe(1);
    await page.getByLabel(en.targets.tlsLabel, { exact: true }).selectOption('disable');
    await page.getByLabel(`${en.targets.secretLabel} ${en.common.optional}`, { exact: true }).fill(secret);
    await page.getByRole('button', { name: en.targets.save, exact: true }).click();
    await page.locator(`[data-target="${name}"]`).waitFor();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    db = await useTestMysql(afterAll);
    api = createServer((req, res) => {
      seen.push({ method: req.method ?? '', auth: req.headers.authorization });
      res.writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? 204 : 401).end();
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/api`;
    tmp = mkdtempSync(join(tmpdir(), 'cutover-target-kinds-'));
    await buildRenderer(join(tmp, 'renderer'));
    harness = await startHarness({ rendererDir: join(tmp, 'renderer'), defaultVaultPath: join(tmp, 'default.vault'), keychain: null, autoLockMs: null, sshConfigPath: join(tmp, 'no-ssh-config') });
    await call('vault.create', { path: join(tmp, 'kinds.vault'), passphrase: 'correct horse battery staple' });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await new Promise((resolve) => api?.close(resolve));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('saves and tests a MariaDB target and an HTTP target with a bearer token', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await page.goto(harness.url);
    await actAs(page, 'ana');

    // MariaDB: a wrong password is a failed test naming the login; the right one connects.
    await storeSecret(page, 'sales_pw', 'not-the-password');
    await saveMysql(page, 'sales', 'sales_pw');
    await testTarget(page, 'sales');
    const refused = await testResult(page, 'sales');
    expect(refused.state).toBe('failed');
    expect(refused.text).toContain(fill(en.targets.testFail, { name: 'sales', failure: 'auth_failed' }));
    await storeSecret(page, 'sales_pw', db.password);
    await testTarget(page, 'sales');
    await expect.poll(async () => (await testResult(page, 'sales')).state).toBe('ok');

    // HTTP: the base URL and the token's secret; the test is one HEAD request carrying the token.
    await storeSecret(page, 'api_token', TOKEN);
    await page.getByLabel(en.targets.kindName.http, { exact: true }).check();
    await page.getByLabel(en.targets.name, { exact: true }).fill('sync_api');
    await page.getByLabel(en.targets.baseUrlLabel, { exact: true }).fill(apiUrl);
    expect(await page.getByLabel(en.targets.tlsVerifyLabel).isChecked()).toBe(true);
    await page.getByLabel(`${en.targets.tokenSecretLabel} ${en.common.optional}`, { exact: true }).fill('api_token');
    await expectAccessible(page, 'targets-http-form', axe);
    await page.getByRole('button', { name: en.targets.save, exact: true }).click();
    await page.locator('[data-target="sync_api"]').waitFor();
    await testTarget(page, 'sync_api');
    const ok = await testResult(page, 'sync_api');
    expect(ok.state).toBe('ok');
    expect(ok.text).toContain(fill(en.targets.testHttpStatus, { status: 204 }));
    expect(seen.at(-1)).toEqual({ method: 'HEAD', auth: `Bearer ${TOKEN}` });
    expect(await page.content()).not.toContain(TOKEN);

    const saved = await call<SavedTargetView[]>('targets.list');
    expect(saved.find((t) => t.name === 'sync_api')).toMatchObject({ kind: 'http', address: apiUrl, overrideUri: apiUrl, secret: 'api_token', secretSet: true });
    expect(saved.find((t) => t.name === 'sales')).toMatchObject({ kind: 'mysql', overrideUri: `${db.dsn}?sslmode=disable` });
    await page.close();
    expect(errors).toEqual([]);
  });

  it('refuses a DSN with a password in it, and a base URL that is not http(s), saving nothing', async () => {
    const before = (await call<SavedTargetView[]>('targets.list')).length;
    const withPassword = (await harness.service.dispatch('targets.save', { name: 'leaky', spec: { kind: 'mysql', dsn: 'mysql://app:hunter2@127.0.0.1:3306/sales', tls: 'disable' }, actor: 'ana' })) as Result<unknown>;
    expect(withPassword.ok).toBe(false);
    if (!withPassword.ok) expect(withPassword.error.message).toMatch(/password/i);
    const ftp = (await harness.service.dispatch('targets.save', { name: 'odd', spec: { kind: 'http', baseUrl: 'ftp://127.0.0.1/', tlsVerify: true }, actor: 'ana' })) as Result<unknown>;
    expect(ftp.ok).toBe(false);
    if (!ftp.ok) expect(ftp.error.message).toContain('http:// or https://');
    expect((await call<SavedTargetView[]>('targets.list')).length).toBe(before);
  });

  it('offers each runbook target only the saved targets that can stand in for it, in Spanish too', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchForPageErrors(page);
    await page.goto(harness.url);
    await actAs(page, 'ana');
    await savePostgresTarget(page, { name: 'ledger_db', dsn: 'postgresql://app@127.0.0.1:5432/ledger', secret: 'sales_pw' });
    const file = join(tmp, 'kinds.yaml');
    writeFileSync(
      file,
      `format: cutover-runbook/v1
id: kinds
title: Kinds
version: "1"
targets:
  source: { kind: mysql, dsn: "mysql://app@db.example:3306/sales", secret: pw }
  api: { kind: http, base_url: "https://sync.example/api" }
  box: { kind: local }
secrets:
  - { name: pw }
phases:
  - id: P0
    title: Look
    steps:
      - { id: count, kind: check, title: Count, target: source, sql: "SELECT 1" }
      - { id: health, kind: http, title: Health, target: api, request: { method: GET, path: /health } }
`,
    );
    await openRunbookFile(page, file);
    const options = async (name: string) => page.getByLabel(fill(en.runbooks.useSaved, { name }), { exact: true }).locator('option').allTextContents();
    await page.getByLabel(fill(en.runbooks.useSaved, { name: 'source' }), { exact: true }).waitFor();
    expect(await options('source')).toEqual([en.runbooks.asInRunbook, 'sales']);
    expect(await options('api')).toEqual([en.runbooks.asInRunbook, 'sync_api']);
    expect(await options('box')).toEqual([en.runbooks.asInRunbook]);
    expect(canStandIn('ssh', 'local') && canStandIn('local', 'ssh') && !canStandIn('postgres', 'mysql') && !canStandIn('http', 'ssh')).toBe(true);

    // The form in Spanish: the same kinds, named in Spanish.
    await page.getByTestId('language-switch').selectOption('es');
    await page.getByRole('navigation', { name: es.nav.label }).getByRole('button', { name: es.nav.targets, exact: true }).click();
    await page.getByLabel(es.targets.kindName.http, { exact: true }).check();
    await page.getByLabel(es.targets.baseUrlLabel, { exact: true }).waitFor();
    await page.close();
    expect(errors).toEqual([]);
  });
});
