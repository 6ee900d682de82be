// The architecture's arrows are enforced by lint: a wrong import fails CI, not a review.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function importErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['src/core/vault/x.ts', "import { app } from 'electron';\nexport const a = app;\n", /never import electron/],
    ['src/shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", /no Node built-ins/],
    ['src/shared/x.ts', "import { Vault } from '../core/vault';\nexport const v = Vault;\n", /through the IPC contract/],
    ['src/renderer/src/x.ts', "import { Vault } from '../../core/vault';\nexport const v = Vault;\n", /through the IPC contract/],
    ['src/renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n", /never import electron/],
    ['src/cli/x.ts', "import { BrowserWindow } from 'electron';\nexport const b = BrowserWindow;\n", /never import electron/],
    ['src/core/x.ts', "import { main } from '../cli/main';\nexport const m = main;\n", /CLI is a leaf/],
    ['src/preload/x.ts', "import { Vault } from '../core/vault';\nexport const v = Vault;\n", /through the IPC contract/],
  ])('refuses %s importing across the layers', async (file, source, message) => {
    const errors = await importErrors(file, source);
    expect(errors.join('\n')).toMatch(message);
  });

  it.each([
    ['src/main/x.ts', "import { Vault } from '../core/vault';\nimport { app } from 'electron';\nexport const a = [Vault, app];\n"],
    ['src/cli/x.ts', "import { Vault } from '../core/vault';\nexport const v = Vault;\n"],
    ['src/renderer/src/x.ts', "import { contract } from '../../shared/contract';\nexport const c = contract;\n"],
  ])('allows %s to import along the arrows', async (file, source) => {
    expect(await importErrors(file, source)).toEqual([]);
  });
});
