// The desktop app end to end: the real Electron main, preload and renderer. It runs wherever an
// Electron binary (and better-sqlite3 built for it) is installed; where none is (this machine:
// the binary cannot be downloaded), each test is reported as skipped, with the reason and how to
// get a binary in its title and on stdout — never a silent pass.
//
// Two tests, each in a fresh app: the window's security walls with a vault created, locked and
// unlocked; then the same walls and the whole alembic-governance cutover (governance-path.ts,
// the driver the Chromium test uses) against OpenSSH's sshd, ssh-agent and PostgreSQL, which
// also crosses what only Electron has: the contract over IPC, main's pushes (live step output,
// host keys to confirm) over IPC, the renderer and its hash worker served from cutover://.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelNames } from '../../src/shared/contract';
import { en } from '../../src/shared/i18n/window/en';
import { es } from '../../src/shared/i18n/window/es';
import { electronSkipReason, findElectronBinary } from '../harness/electron-binary';
import { fillCreateForm, lock, screenshot, submitCreate, timelineTypes, unlock, verify, watchForPageErrors } from './flows';
import { driveGovernanceCutover, PASSPHRASE, startGovernanceHost } from './governance-path';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where main serves the renderer (src/main/security.ts; not imported: it imports electron). */
const APP_PAGE = 'cutover://app/index.html';
const skipReason = electronSkipReason(ROOT);
const skipped = skipReason ? ` (skipped: ${skipReason})` : '';

if (skipReason) console.info(`[electron e2e] skipped: ${skipReason}`);

/**
 * Starts the built app with its own data folder and waits for the vault gate. `env` adds to the
 * test's environment (main reads SSH_AUTH_SOCK, CUTOVER_SSH_CONFIG and the like from it).
 */
async function launchApp(userDataDir: string, env: Record<string, string> = {}): Promise<{ app: ElectronApplication; page: Page }> {
  const binary = findElectronBinary();
  if (binary.path === null) throw new Error(`no Electron binary: ${binary.reason}`);
  // English whatever the machine's locale (the labels below are English); Spanish is asked for later.
  const args = ['--lang=en-US', ROOT];
  // Root cannot use Chromium's setuid sandbox, and CI has no display.
  if (process.getuid?.() === 0) args.unshift('--no-sandbox');
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) args.unshift('--ozone-platform=headless');
  const app = await electron.launch({
    executablePath: binary.path,
    args,
    cwd: ROOT,
    timeout: 60_000,
    env: { ...process.env, CUTOVER_USER_DATA_DIR: userDataDir, CUTOVER_SCRYPT_LOG2N: '14', CUTOVER_AUTO_LOCK_MINUTES: '0', ...env },
  });
  const page = await app.firstWindow();
  await page.getByRole('heading', { name: en.gate.heading }).waitFor();
  return { app, page };
}

/** The window's walls, seen from main and from the page. Leaves the page on the vault gate. */
async function expectSecureWindow(app: ElectronApplication, page: Page): Promise<void> {
  // getLastWebPreferences() is undocumented (Electron's own specs use it) and so untyped.
  const prefs = await app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows().map((w) => (w.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> | null }).getLastWebPreferences()),
  );
  expect(prefs).toHaveLength(1);
  expect(prefs[0]).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
  // Runs in the page (a string, because this file is type-checked without DOM types).
  const exposed = await page.evaluate<{ require: string; process: string; bridge: string[]; evalBlocked: boolean; url: string }>(`(() => {
    let evalBlocked = false;
    try { (0, eval)('1'); } catch { evalBlocked = true; } // the CSP has no 'unsafe-eval'
    return { require: typeof window.require, process: typeof window.process, bridge: Object.keys(window.cutover ?? {}).sort(), evalBlocked, url: location.href };
  })()`);
  expect(exposed).toEqual({ require: 'undefined', process: 'undefined', bridge: [...channelNames, 'subscribe'].sort(), evalBlocked: true, url: APP_PAGE });
  await page.evaluate(`window.location.href = 'https://example.com/'`);
  await page.waitForTimeout(500);
  expect(page.url()).toBe(APP_PAGE);
  // No DevTools without CUTOVER_DEV=1: not in the menu, and asking for them opens nothing.
  const devTools = await app.evaluate(({ BrowserWindow, Menu }) => {
    const roles: string[] = [];
    const walk = (items: Electron.MenuItem[]) => {
      for (const item of items) {
        if (item.role) roles.push(item.role);
        if (item.submenu) walk(item.submenu.items);
      }
    };
    walk(Menu.getApplicationMenu()?.items ?? []);
    const contents = BrowserWindow.getAllWindows()[0]!.webContents;
    contents.openDevTools();
    return { roles, opened: contents.isDevToolsOpened() };
  });
  expect(devTools.roles.map((r) => r.toLowerCase())).not.toContain('toggledevtools');
  expect(devTools.opened).toBe(false);
}

describe('desktop app in Electron', () => {
  beforeAll(async () => {
    if (skipReason) return;
    // The app as `npm start` runs it: main, preload and renderer built into out/.
    const { build } = await import('electron-vite');
    await build({ root: ROOT, logLevel: 'warn' });
  });

  it.skipIf(skipReason !== null)(`opens one secure window, creates and unlocks a vault, shows the timeline and verifies it${skipped}`, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cutover-electron-'));
    const { app, page } = await launchApp(join(tmp, 'user-data'));
    try {
      await expectSecureWindow(app, page);
      const dir = join(tmp, 'vaults');
      mkdirSync(dir);
      const path = join(dir, 'cutover.vault');
      await fillCreateForm(page, path, PASSPHRASE);
      await submitCreate(page);
      await lock(page);
      await unlock(page, path, PASSPHRASE);
      expect(await timelineTypes(page)).toContain('vault.created');
      const result = await verify(page);
      expect(result.state).toBe('ok');
      await screenshot(page, 'electron-01-verified');
    } finally {
      await app.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it.skipIf(skipReason !== null)(`loads its own files, not ELECTRON_RENDERER_URL, unless CUTOVER_DEV=1 asks for a development server${skipped}`, async () => {
    // A page that would get the whole IPC surface if main loaded it.
    const server = createServer((_req, res) => res.end('<!doctype html><title>not the app</title><h1>not the app</h1>'));
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    const tmp = mkdtempSync(join(tmpdir(), 'cutover-electron-'));
    const { port } = server.address() as AddressInfo;
    try {
      const { app, page } = await launchApp(join(tmp, 'user-data'), { ELECTRON_RENDERER_URL: `http://127.0.0.1:${port}/` });
      expect(page.url()).toBe(APP_PAGE);
      await app.close();
    } finally {
      server.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it.skipIf(skipReason !== null)(
    `runs the alembic-governance cutover from an empty vault to every step PASS, approved by two approvers${skipped}`,
    async () => {
      const host = await startGovernanceHost();
      const tmp = mkdtempSync(join(tmpdir(), 'cutover-electron-'));
      let app: ElectronApplication | null = null;
      try {
        const launched = await launchApp(join(tmp, 'user-data'), {
          // main's SSH targets and agent identities use SSH_AUTH_SOCK (src/main/handlers.ts) ...
          SSH_AUTH_SOCK: host.agent.socket,
          // ... and a missing config file, so this machine's ~/.ssh/config cannot steer them.
          CUTOVER_SSH_CONFIG: join(host.dir, 'no-ssh-config'),
        });
        app = launched.app;
        const { page } = launched;
        await expectSecureWindow(app, page);
        // The forbidden eval and navigation above are console errors by design; from here on none is allowed.
        const pageErrors = watchForPageErrors(page);
        // The Chromium test's viewport, so the screens lay out the same.
        await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.setContentSize(1280, 800));
        const electronApp = app;
        await driveGovernanceCutover(page, {
          host,
          // Prefixed, so the Chromium run's screenshots (some shown in the README) stay its own.
          // Accessibility is scanned in the Chromium run: the renderer is the same.
          shot: async (name) => void (await screenshot(page, `electron-${name}`)),
          // ?lang= is how the renderer is told its language (src/renderer/src/i18n). Main loads
          // it: the window refuses navigation the page starts, as the walls above show.
          reloadInSpanish: () =>
            electronApp.evaluate(async ({ BrowserWindow }, url) => {
              await BrowserWindow.getAllWindows()[0]?.webContents.loadURL(url);
            }, `${APP_PAGE}?lang=es`),
          // As a user would: the header's Lock button, in Spanish by then.
          lockVault: () => lock(page, es),
          // Main's own dialog, answered as a person would pick the file.
          answerNextFileDialog: (path) =>
            electronApp.evaluate(({ dialog }, chosen) => {
              dialog.showSaveDialog = (async () => ({ canceled: false, filePath: chosen })) as unknown as typeof dialog.showSaveDialog;
              dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [chosen] })) as unknown as typeof dialog.showOpenDialog;
            }, path),
        });
        expect(pageErrors).toEqual([]);
      } finally {
        await app?.close();
        await host.stop();
        rmSync(tmp, { recursive: true, force: true });
      }
    },
    600_000,
  );
});
