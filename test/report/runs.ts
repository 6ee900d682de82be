// Real runs of the reference scenario (sshd + Alembic + PostgreSQL), made once per test file
// and kept as a copy of the vault: the reports under test are rendered from that copy.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import type { Keyring } from '../../src/core/signing';
import { keyslotsPathFor, segmentRootFor, Vault } from '../../src/core/vault';
import { approveAll, play, startScenario } from '../scenario/governance';

export const PASSPHRASE = 'correct horse battery staple';
export type Variant = 'pass' | 'blocked';

export interface RecordedRun {
  vaultPath: string;
  runId: string;
  /** The scenario's people's keys (ana the owner, gov1 and gov2 their own), to sign acts on a copy. */
  keyring: Keyring;
  /** gov1's and gov2's own private key files (copies kept with the run), for `--key` on the CLI. */
  keys: Record<'gov1' | 'gov2', string>;
  open(): Vault;
}

const dir = mkdtempSync(join(tmpdir(), 'cutover-report-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const made = new Map<Variant, Promise<RecordedRun>>();

async function make(variant: Variant): Promise<RecordedRun> {
  const s = await startScenario(variant === 'blocked' ? { sshdConfig: ['SetEnv CUTOVER_FIXTURE_PLANT_DUPLICATE_TABLE=1'] } : {});
  try {
    await play(s, { until: 'p1-width-correction' });
    await approveAll(s);
    await play(s);
    if (variant === 'blocked') {
      await s.engine('ana').decide(s.runId, 'rollback', 'DuplicateTable in 0023; PITR decision path');
      await play(s);
    }
    const source = s.vault.path;
    s.vault.close();
    const vaultPath = join(dir, `${variant}.vault`);
    copyFileSync(source, vaultPath);
    copyFileSync(keyslotsPathFor(source), keyslotsPathFor(vaultPath));
    cpSync(segmentRootFor(source), segmentRootFor(vaultPath), { recursive: true });
    const keys = { gov1: join(dir, `${variant}-gov1_ed25519`), gov2: join(dir, `${variant}-gov2_ed25519`) };
    for (const name of ['gov1', 'gov2'] as const) copyFileSync(s.keys[name].path, keys[name]);
    return { vaultPath, runId: s.runId, keyring: s.keyring, keys, open: () => Vault.open(vaultPath, { passphrase: PASSPHRASE }) };
  } finally {
    await s.cleanup();
  }
}

/** The run of this variant; the first test that asks plays it (about 10 s). */
export function recordedRun(variant: Variant): Promise<RecordedRun> {
  let run = made.get(variant);
  if (!run) {
    run = make(variant);
    made.set(variant, run);
  }
  return run;
}

/** A private copy of a recorded run's vault (to append decisions to), removed after the suite. */
export function copyOf(run: RecordedRun): Vault {
  return Vault.open(copyVaultFile(run), { passphrase: PASSPHRASE });
}

/** Text of a PDF as `pdftotext` reads it. */
export function pdfText(pdf: Buffer | string): string {
  const input = typeof pdf === 'string' ? pdf : writeTemp(pdf, 'pdf');
  const r = spawnSync('pdftotext', ['-enc', 'UTF-8', input, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout;
}

/** Renders every page with `pdftoppm -png`; returns the PNG files (one per page) and the page count pdfinfo reports. */
export function renderPages(pdf: Buffer, dpi = 50): { pages: number; pngs: string[] } {
  const input = writeTemp(pdf, 'pdf');
  const info = spawnSync('pdfinfo', [input], { encoding: 'utf8' });
  if (info.status !== 0) throw new Error(`pdfinfo failed: ${info.stderr}`);
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info.stdout)?.[1]);
  const prefix = join(mkdtempSync(join(dir, 'png-')), 'page');
  const r = spawnSync('pdftoppm', ['-r', String(dpi), '-png', input, prefix], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`);
  const folder = dirname(prefix);
  return { pages, pngs: readdirSync(folder).filter((f) => f.endsWith('.png')).sort().map((f) => join(folder, f)) };
}

/** pdfinfo's fields. */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  const r = spawnSync('pdfinfo', ['-isodates', writeTemp(pdf, 'pdf')], { encoding: 'utf8' });
  return Object.fromEntries(r.stdout.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

let temps = 0;
function writeTemp(data: Buffer, ext: string): string {
  const path = join(dir, `t${++temps}.${ext}`);
  writeFileSync(path, data);
  return path;
}

interface Word { page: number; x0: number; y0: number; x1: number; y1: number; text: string }

/**
 * Words whose boxes overlap on a page (by `pdftotext -bbox`): overlapping text is a layout bug.
 * Boxes are shrunk by a small margin so that neighbouring words and lines that merely touch
 * do not count.
 */
export function overlappingWords(pdf: Buffer, margin = 0.8): [Word, Word][] {
  const r = spawnSync('pdftotext', ['-bbox', writeTemp(pdf, 'pdf'), '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const words: Word[] = [];
  let page = 0;
  for (const line of r.stdout.split('\n')) {
    if (line.includes('<page ')) page += 1;
    const m = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)<\/word>/.exec(line);
    if (m) words.push({ page, x0: Number(m[1]) + margin, y0: Number(m[2]) + margin, x1: Number(m[3]) - margin, y1: Number(m[4]) - margin, text: m[5]! });
  }
  const out: [Word, Word][] = [];
  const byPage = new Map<number, Word[]>();
  for (const w of words) byPage.set(w.page, [...(byPage.get(w.page) ?? []), w]);
  for (const list of byPage.values()) {
    list.sort((a, b) => a.y0 - b.y0);
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      for (let j = i + 1; j < list.length && list[j]!.y0 < a.y1; j++) {
        const b = list[j]!;
        if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) out.push([a, b]);
      }
    }
  }
  return out;
}

/** A private copy of a recorded run's vault file (for the CLI), removed after the suite. */
export function copyVaultFile(run: RecordedRun): string {
  const target = join(mkdtempSync(join(dir, 'copy-')), 'run.vault');
  copyFileSync(run.vaultPath, target);
  copyFileSync(keyslotsPathFor(run.vaultPath), keyslotsPathFor(target));
  cpSync(segmentRootFor(run.vaultPath), segmentRootFor(target), { recursive: true });
  return target;
}
