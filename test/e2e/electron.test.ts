// The desktop app end to end: the real Electron main, preload and renderer. It runs wherever an
// Electron binary is installed; where none is (this machine: the binary cannot be downloaded),
// it is reported as skipped, with the reason in its title and on stdout — never a silent pass.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { channelNames } from '../../src/shared/contract';
import { en } from '../../src/renderer/src/i18n/en';
import { findElectronBinary } from '../harness/electron-binary';
import { fillCreateForm, lock, screenshot, submitCreate, timelineTypes, unlock, verify } from './flows';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PASSPHRASE = 'correct horse battery staple';
const binary = findElectronBinary();
const skipReason = binary.path === null ? `Electron binary not installed — ${binary.reason}; run \`npx install-electron\` or set ELECTRON_OVERRIDE_DIST_PATH` : null;

if (skipReason) console.info(`[electron e2e] skipped: ${skipReason}`);

describe('desktop app in Electron', () => {
  it.skipIf(skipReason !== null)(
    `opens one secure window, creates and unlocks a vault, shows the timeline and verifies it${skipReason ? ` (skipped: ${skipReason})` : ''}`,
    async (ctx) => {
      if (binary.path === null) return;
      if (!existsSync(join(ROOT, '.electron-native', 'stamp.json'))) {
        ctx.skip('better-sqlite3 has not been built for Electron in .electron-native/ — run `npm start` once, which builds it');
        return;
      }
      const { build } = await import('electron-vite');
      await build({ root: ROOT, logLevel: 'warn' });

      const tmp = mkdtempSync(join(tmpdir(), 'cutover-electron-'));
      const args = [ROOT];
      // Root cannot use Chromium's setuid sandbox, and CI has no display.
      if (process.getuid?.() === 0) args.unshift('--no-sandbox');
      if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) args.unshift('--ozone-platform=headless');
      const app = await electron.launch({
        executablePath: binary.path,
        args,
        cwd: ROOT,
        timeout: 60_000,
        env: { ...process.env, CUTOVER_USER_DATA_DIR: join(tmp, 'user-data'), CUTOVER_SCRYPT_LOG2N: '14', CUTOVER_AUTO_LOCK_MINUTES: '0' },
      });
      try {
        const page = await app.firstWindow();
        await page.getByRole('heading', { name: en.gate.heading }).waitFor();

        // The window's walls, seen from main and from the page.
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
        expect(exposed).toEqual({ require: 'undefined', process: 'undefined', bridge: [...channelNames, 'subscribe'].sort(), evalBlocked: true, url: 'cutover://app/index.html' });
        await page.evaluate(`window.location.href = 'https://example.com/'`);
        await page.waitForTimeout(500);
        expect(page.url()).toBe('cutover://app/index.html');

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
    },
  );
});
