// Builds main (ESM), preload (CommonJS: a sandboxed preload cannot be an ES module, and may
// require nothing but 'electron', so its dependencies are bundled in) and the renderer.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin, UserConfig } from 'vite';
import { contentSecurityPolicy } from './src/shared/csp';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Writes the CSP into index.html as a meta tag (main also sends it as a header). */
function cspMetaTag(): Plugin {
  let devServer: string | undefined;
  return {
    name: 'cutover-csp-meta',
    configureServer(server) {
      const { port = 5173, host } = server.config.server;
      devServer = `http://${typeof host === 'string' ? host : 'localhost'}:${port}`;
    },
    transformIndexHtml: {
      order: 'pre',
      handler: () => [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ delivery: 'meta', devServer }) }, injectTo: 'head-prepend' },
      ],
    },
  };
}

/** The renderer's Vite config; the test harness builds the same UI with it, without Electron. */
export function rendererConfig(outDir = resolve(root, 'out/renderer')): UserConfig {
  return {
    root: resolve(root, 'src/renderer'),
    base: './',
    plugins: [react(), cspMetaTag()],
    build: {
      outDir,
      emptyOutDir: true,
      // No inline module-preload polyfill or data: URLs: the CSP allows only same-origin scripts.
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      rollupOptions: { input: resolve(root, 'src/renderer/index.html') },
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rollupOptions: { input: resolve(root, 'src/main/index.ts') },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rollupOptions: {
        input: resolve(root, 'src/preload/index.ts'),
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig(),
});
