// Lint for the whole repository. The layer rules below are the architecture's arrows
// (DESIGN.md): a wrong import fails CI instead of a review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'stream', 'url', 'util', 'events', 'buffer', 'worker_threads', 'readline', 'zlib', 'tty'];

/** Builds a no-restricted-imports rule from forbidden import patterns and a reason. */
function forbid(...groups) {
  return ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }];
}

const noElectron = [['electron', 'electron/*'], 'core, cli and shared never import electron: only src/main and src/preload talk to Electron.'];
const noNode = [nodeBuiltins, 'this layer runs in the browser or is shared with it: no Node built-ins.'];
const noMainOrPreload = [['**/main/**', '**/preload/**', '../main', '../preload'], 'only Electron wires main and preload; other layers never import them.'];
const noRenderer = [['**/renderer/**', '../renderer'], 'the renderer is a leaf: nothing imports it.'];
const noCore = [['**/core/**', '../core', '../core/*'], 'the renderer and shared reach core only through the IPC contract in src/shared.'];
const noCli = [['**/cli/**', '../cli'], 'the CLI is a leaf: nothing imports it.'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.electron-native/**', 'tmp/**', 'test-results/**', 'src/core/vault/migrations/**/*.sql'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error',
        { object: 'it', property: 'only', message: 'no focused tests' },
        { object: 'test', property: 'only', message: 'no focused tests' },
        { object: 'describe', property: 'only', message: 'no focused tests' }],
    },
  },
  { files: ['src/core/**'], rules: { 'no-restricted-imports': forbid(noElectron, noMainOrPreload, noRenderer, noCli) } },
  { files: ['src/cli/**'], rules: { 'no-restricted-imports': forbid(noElectron, noMainOrPreload, noRenderer) } },
  { files: ['src/shared/**'], rules: { 'no-restricted-imports': forbid(noElectron, noNode, noCore, noMainOrPreload, noRenderer, noCli) } },
  { files: ['src/main/**'], rules: { 'no-restricted-imports': forbid(noRenderer, noCli, [['**/preload/**'], 'main never imports preload code.']) } },
  { files: ['src/preload/**'], rules: { 'no-restricted-imports': forbid(noCore, noRenderer, noCli, [['**/main/**'], 'preload never imports main code.']) } },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': forbid(noElectron, noNode, noCore, noMainOrPreload, noCli),
    },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
