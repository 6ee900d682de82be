// Builds the real renderer with the same Vite config electron-vite uses, into a folder of the
// caller's choosing (so a test never races an `electron-vite build` writing out/).
import { build } from 'vite';
import { rendererConfig } from '../../electron.vite.config';

export async function buildRenderer(outDir: string): Promise<void> {
  await build({ ...rendererConfig(outDir), configFile: false, logLevel: 'warn' });
}
