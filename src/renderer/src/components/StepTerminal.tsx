import { FitAddon } from '@xterm/addon-fit';
import { Terminal, type ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import type { StepStateView } from '../../../shared/contract';
import { api } from '../api';
import { formatBytes, shortHash } from '../format';
import { format, t } from '../i18n';
import { fromBase64 } from '../sha256';
import { liveTranscript, onTranscriptCreated, transcriptKey, type LiveTranscript } from '../transcripts';

/** What a finished step's transcript is shown from, after checking the live view against the vault. */
const VAULT_TAIL_BYTES = 256 * 1024;
/** Output handed to xterm but not yet parsed; beyond it the screen skips ahead instead of falling behind. */
const MAX_INFLIGHT_BYTES = 4 * 1024 * 1024;
/**
 * xterm parses its write queue in slices of about 12 ms, but checks the clock only between
 * queued writes: one large write is parsed in one go. Writes of this size keep each slice short.
 */
const WRITE_PIECE = 16 * 1024;
const READ_PIECE = 4 * 1024 * 1024;

type Check =
  | { state: 'live' }
  | { state: 'checking' }
  | { state: 'match'; size: number; sha256: string }
  | { state: 'mismatch'; size: number; sha256: string; shown: number }
  | { state: 'vault'; size: number; sha256: string; shown: number }
  | { state: 'empty' };

function theme(): ITheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return { background: v('--term-bg'), foreground: v('--term-fg'), cursor: v('--term-bg'), cursorAccent: v('--term-bg'), selectionBackground: v('--term-selection') };
}

async function readVault(id: string, offset: number, length: number): Promise<Uint8Array> {
  if (!api || length <= 0) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let at = offset;
  let left = length;
  while (left > 0) {
    const range = await api.artifacts.readRange({ id, offset: at, length: Math.min(left, READ_PIECE) });
    const bytes = fromBase64(range.data);
    if (bytes.length === 0) break;
    parts.push(bytes);
    at += bytes.length;
    left -= bytes.length;
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A step's output in a real terminal. While the step runs, output is drawn once per animation
 * frame, however fast it arrives; when it ends, what was shown is checked byte for byte against
 * the transcript the vault stored (size and SHA-256), and the vault's copy is shown if it differs.
 */
export function StepTerminal({ runId, step, stepTitle }: { runId: string; step: StepStateView; stepTitle: string }) {
  const key = transcriptKey(runId, step.stepId);
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const skippedRef = useRef(0);
  const [check, setCheck] = useState<Check>({ state: step.status === 'running' ? 'live' : 'empty' });
  const [skipped, setSkipped] = useState(0);
  const [receivedSha, setReceivedSha] = useState<{ bytes: number; sha256: string } | null>(null);
  const [attached, setAttached] = useState<LiveTranscript | null>(() => liveTranscript(key) ?? null);

  // The terminal itself, once per step shown.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const term = new Terminal({
      disableStdin: true,
      convertEol: true,
      scrollback: 10_000,
      fontFamily: "ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', Menlo, Consolas, monospace",
      fontSize: 13,
      cursorStyle: 'underline',
      cursorInactiveStyle: 'none',
      theme: theme(),
    });
    // A read-only view must not trap the keyboard: Tab moves on, as everywhere else.
    term.attachCustomKeyEventHandler((event) => event.key !== 'Tab');
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host);
    const resize = () => {
      try {
        fit.fit();
      } catch {
        // not laid out yet
      }
    };
    resize();
    const observer = new ResizeObserver(resize);
    observer.observe(host);
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    const retheme = () => {
      term.options.theme = theme();
    };
    scheme.addEventListener('change', retheme);
    termRef.current = term;
    return () => {
      scheme.removeEventListener('change', retheme);
      observer.disconnect();
      termRef.current = null;
      term.dispose();
    };
  }, [key]);

  // Follow the step's live transcript: the first output may arrive at any moment, even between
  // this component's first render and this effect, and a re-run starts a new one.
  useEffect(() => {
    const stop = onTranscriptCreated((created) => {
      if (created === key) setAttached(liveTranscript(key) ?? null);
    });
    const existing = liveTranscript(key);
    if (existing) queueMicrotask(() => setAttached((current) => current ?? existing));
    return stop;
  }, [key]);

  // Live output: drawn in batches, once per animation frame.
  useEffect(() => {
    const term = termRef.current;
    if (!attached || !term) return;
    let queue: Uint8Array[] = [];
    let queued = 0;
    let inflight = 0;
    let frame = 0;
    const flush = () => {
      frame = 0;
      if (queued === 0) return;
      if (inflight > MAX_INFLIGHT_BYTES) {
        // The terminal is behind: skip to the newest output rather than freeze the window.
        skippedRef.current += queued;
        setSkipped(skippedRef.current);
        queue = [];
        queued = 0;
        return;
      }
      const data = new Uint8Array(queued);
      let at = 0;
      for (const chunk of queue) {
        data.set(chunk, at);
        at += chunk.length;
      }
      queue = [];
      queued = 0;
      for (let at = 0; at < data.length; at += WRITE_PIECE) {
        const piece = data.subarray(at, at + WRITE_PIECE);
        inflight += piece.length;
        term.write(piece, () => {
          inflight -= piece.length;
        });
      }
    };
    const enqueue = (chunk: Uint8Array) => {
      queue.push(chunk);
      queued += chunk.length;
      if (!frame) frame = requestAnimationFrame(flush);
    };
    for (const chunk of attached.recent()) enqueue(chunk);
    const stop = attached.onChunk(enqueue);
    return () => {
      stop();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [attached]);

  // The end: prove the screen shows the vault's transcript, or show the vault's copy.
  const finished = step.status !== 'running' && step.transcript !== null && step.transcript.sha256 !== null;
  const transcriptId = step.transcript?.artifactId ?? null;
  const size = step.transcript?.size ?? 0;
  const sha256 = step.transcript?.sha256 ?? null;
  useEffect(() => {
    if (!finished || !transcriptId || !sha256) return;
    let cancelled = false;
    const showVaultTail = async (): Promise<number> => {
      const from = Math.max(0, size - VAULT_TAIL_BYTES);
      const bytes = await readVault(transcriptId, from, size - from);
      const term = termRef.current;
      if (cancelled || !term) return 0;
      term.reset();
      for (let at = 0; at < bytes.length; at += WRITE_PIECE) term.write(bytes.subarray(at, at + WRITE_PIECE));
      return bytes.length;
    };
    const verify = async () => {
      setCheck({ state: 'checking' });
      const live = liveTranscript(key);
      if (live && live.contiguous) {
        // The engine may have written after the last push (a connection error note): read the rest.
        if (live.received < size) live.appendFromVault(await readVault(transcriptId, live.received, size - live.received));
        if (cancelled) return;
        const digest = await live.hash.digest();
        if (cancelled) return;
        const mine = digest.hex;
        setReceivedSha({ bytes: digest.length, sha256: mine });
        if (digest.length === size && mine === sha256) {
          if (skippedRef.current > 0) await showVaultTail();
          if (!cancelled) setCheck({ state: 'match', size, sha256 });
          return;
        }
        const shown = await showVaultTail();
        if (!cancelled) setCheck({ state: 'mismatch', size, sha256, shown });
        return;
      }
      const shown = await showVaultTail();
      if (!cancelled) setCheck(size === 0 ? { state: 'empty' } : { state: 'vault', size, sha256, shown });
    };
    verify().catch(() => {
      if (!cancelled) setCheck({ state: 'empty' });
    });
    return () => {
      cancelled = true;
    };
  }, [finished, transcriptId, size, sha256, key]);

  const label = format(t.run.terminalLabel, { step: stepTitle });
  return (
    <section className="output" aria-label={label}>
      <div className="output-head">
        <h3>
          {t.run.output}
          {step.status === 'running' && <span className="badge live"> {t.run.live}</span>}
        </h3>
        {step.transcript && <span className="hint mono">{format(t.run.transcript, { name: step.transcript.name, size: formatBytes(step.transcript.size) })}</span>}
      </div>
      <div className="step-terminal" ref={hostRef} data-testid="terminal" />
      <TranscriptCheck check={check} received={receivedSha} />
      {skipped > 0 && <p className="hint">{format(t.run.skipped, { size: formatBytes(skipped) })}</p>}
    </section>
  );
}

function TranscriptCheck({ check, received }: { check: Check; received: { bytes: number; sha256: string } | null }) {
  const data = {
    'data-transcript-check': check.state,
    'data-received-bytes': received?.bytes,
    'data-received-sha256': received?.sha256,
  };
  let text: string | null = null;
  let tone = 'hint';
  if (check.state === 'checking') text = t.run.checking;
  if (check.state === 'match') {
    text = format(t.run.matches, { size: formatBytes(check.size), hash: shortHash(check.sha256) });
    tone = 'ok-text';
  }
  if (check.state === 'mismatch') {
    text = format(t.run.mismatch, { size: formatBytes(check.size), hash: shortHash(check.sha256) });
    tone = 'err-text';
  }
  if (check.state === 'vault') text = format(t.run.tail, { shown: formatBytes(check.shown), size: formatBytes(check.size), hash: shortHash(check.sha256) });
  return (
    <p className={`transcript-check ${tone}`} role="status" {...data} title={'sha256' in check ? check.sha256 : undefined}>
      {text}
    </p>
  );
}
