// Secret redaction for every byte a target produces, before it reaches the vault or the screen.
// Output arrives in chunks cut anywhere, so the redactor holds back the bytes that could still
// be the start of a secret (or of a password in a DSN / PGPASSWORD= line) until the next chunk
// or the end of the stream says what they are. Byte-oriented (latin1 views), so binary output
// passes through unchanged when it holds nothing to redact.

export const REDACTED = '[REDACTED]';
const MARKER = Buffer.from(REDACTED, 'latin1');

/**
 * The shortest secret value that can be redacted without blanking ordinary text: every
 * occurrence of a one-letter secret would turn that letter of every transcript into the
 * marker. The vault refuses shorter secrets when they are set; the redactor ignores them as
 * literals (they are still caught as the value of a PASSWORD=… style assignment).
 */
export const MIN_SECRET_LENGTH = 6;

/** How far back a password pattern (DSN userinfo, PGPASSWORD=…) may start and still be held. */
const PATTERN_HOLD = 512;

// scheme://user:PASSWORD@ — the password may hold anything but whitespace; the last '@' in the
// token ends it (over-redacting an odd URL beats leaking a password that holds '@' or '/').
const DSN_PASSWORD = /\b[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/@]{0,128}:(\S{1,256})@/g;
// PGPASSWORD=value, export PGPASSWORD='…', "PGPASSWORD": "…", DB_PASSWORD: …, password=… in a
// libpq key/value DSN, and the same for names holding PASSPHRASE, TOKEN or SECRET
// (DB_PASSPHRASE=…, MY_TOKEN: …, "api_secret": "…"). Not the `${secret:NAME}` of a runbook,
// which names a secret and holds none.
const PASSWORD_ASSIGNMENT = /(?:PASSWORD|PASSPHRASE|TOKEN|(?<!\$\{)SECRET)["']?[\t ]*[=:][\t ]*('[^'\r\n]{0,256}'?|"[^"\r\n]{0,256}"?|[^\s'"]\S{0,255})/gi;
/** Each keyword without its first letter, as written in lower and in upper case. */
const KEYWORD_STEMS = ['assword', 'assphrase', 'oken', 'ecret'].flatMap((s) => [s, s.toUpperCase()]);
/**
 * Whether a chunk may hold a password pattern at all, in one pass: a DSN's `://` or a keyword
 * stem, in any case (a superset of what the patterns match, which ignore case). One regular
 * expression over the chunk scans it once; a Buffer.includes per needle scanned it nine times
 * (4.5 s of CPU for 1.3 GiB of SSH output in bench:transcript).
 */
const PATTERN_CANDIDATE = /:\/\/|assword|assphrase|oken|ecret/i;
const COLON = 0x3a;
const EQUALS = 0x3d;

interface Span {
  start: number;
  end: number;
}

/** The variants of one secret that can appear in output: as given, and percent-encoded in a URL. */
function secretVariants(secret: string): string[] {
  const variants = new Set([secret]);
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) variants.add(encoded);
  return [...variants];
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0b || byte === 0x0c;
}

/**
 * A streaming redactor for one output stream (stdout and stderr each need their own): `push`
 * returns the bytes that are safe to pass on now, `end` the rest. Every occurrence of a secret
 * becomes `[REDACTED]`, whatever the chunk boundaries.
 */
export class Redactor {
  private readonly secrets: Buffer[];
  private readonly literalHold: number;
  private held: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(secrets: Iterable<string>) {
    const values = new Set<string>();
    for (const secret of secrets) {
      // Too short to redact as a literal without blanking ordinary text (see MIN_SECRET_LENGTH).
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
      for (const variant of secretVariants(secret)) values.add(variant);
    }
    // Longest first, so a secret that contains another one is redacted whole.
    this.secrets = [...values].map((v) => Buffer.from(v, 'utf8')).sort((a, b) => b.length - a.length);
    this.literalHold = this.secrets.length > 0 ? (this.secrets[0]?.length ?? 1) - 1 : 0;
  }

  /** Redacted bytes that can be passed on now (possibly empty). */
  push(chunk: Buffer): Buffer {
    if (this.ended) throw new Error('Redactor: push after end');
    if (chunk.length === 0) return chunk;
    const data = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    return this.process(data, false);
  }

  /** Everything still held back, redacted. The redactor is finished afterwards. */
  end(): Buffer {
    if (this.ended) return Buffer.alloc(0);
    this.ended = true;
    const data = this.held;
    this.held = Buffer.alloc(0);
    return data.length > 0 ? this.process(data, true) : data;
  }

  private process(data: Buffer, final: boolean): Buffer {
    const redact: Span[] = [];
    const guard: Span[] = [];
    this.findSecrets(data, redact);
    this.findPatterns(data, redact, guard);

    let cut = data.length;
    if (!final) {
      cut = Math.min(this.partialSecretStart(data), patternHoldStart(data));
      if (cut < 0) cut = 0;
      // Never cut through a match: hold it whole and look at it again with the next chunk.
      let moved = true;
      while (moved) {
        moved = false;
        for (const span of redact.concat(guard)) {
          if (span.start < cut && cut < span.end) {
            cut = span.start;
            moved = true;
          }
        }
      }
    }
    this.held = cut < data.length ? Buffer.from(data.subarray(cut)) : Buffer.alloc(0);
    return replaceSpans(data, cut, redact);
  }

  /** The earliest position from which the end of `data` is the beginning of a secret. */
  private partialSecretStart(data: Buffer): number {
    const end = data.length;
    for (let p = Math.max(0, end - this.literalHold); p < end; p++) {
      const tail = end - p;
      for (const secret of this.secrets) {
        if (secret.length > tail && data[p] === secret[0] && data.compare(secret, 0, tail, p, end) === 0) return p;
      }
    }
    return end;
  }

  private findSecrets(data: Buffer, out: Span[]): void {
    for (const secret of this.secrets) {
      let at = data.indexOf(secret);
      while (at !== -1) {
        out.push({ start: at, end: at + secret.length });
        at = data.indexOf(secret, at + 1);
      }
    }
  }

  private findPatterns(data: Buffer, redact: Span[], guard: Span[]): void {
    // Both patterns need a ':' or an '=' (memchr-fast to rule out: base64, hex dumps).
    if (data.indexOf(COLON) === -1 && data.indexOf(EQUALS) === -1) return;
    const text = data.toString('latin1');
    if (!PATTERN_CANDIDATE.test(text)) return;
    for (const pattern of [DSN_PASSWORD, PASSWORD_ASSIGNMENT]) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
        const value = m[1] ?? '';
        const valueStart = m.index + m[0].length - value.length - (pattern === DSN_PASSWORD ? 1 : 0);
        guard.push({ start: m.index, end: m.index + m[0].length });
        if (value.length > 0) redact.push({ start: valueStart, end: valueStart + value.length });
        // Overlapping matches (a DSN inside a PGPASSWORD= value) are found by the other pattern.
        pattern.lastIndex = m.index + Math.max(1, m[0].length);
      }
    }
  }
}

/**
 * Where the bytes that may still become a password pattern begin: the unfinished line from its
 * last password (passphrase, token, secret) keyword, or the trailing token (a `scheme://user:pa` in progress), whichever
 * is earlier; at most PATTERN_HOLD bytes back.
 */
function patternHoldStart(data: Buffer): number {
  const end = data.length;
  const floor = Math.max(0, end - PATTERN_HOLD);
  let tokenStart = end;
  while (tokenStart > floor && !isSpace(data[tokenStart - 1])) tokenStart--;
  let lineStart = end;
  while (lineStart > floor && data[lineStart - 1] !== 0x0a && data[lineStart - 1] !== 0x0d) lineStart--;
  let hold = tokenStart;
  if (lineStart < end) {
    const line = data.subarray(lineStart, end);
    const keyword = Math.max(...KEYWORD_STEMS.map((stem) => line.lastIndexOf(stem, undefined, 'latin1')));
    // Back up over the keyword's first letter and a prefix such as "PG".
    if (keyword !== -1) hold = Math.min(hold, Math.max(lineStart, lineStart + keyword - 3));
  }
  return hold;
}

/** data[0, cut) with every span inside it replaced by the marker (overlapping spans merged). */
function replaceSpans(data: Buffer, cut: number, spans: Span[]): Buffer {
  const inside = spans.filter((s) => s.end <= cut).sort((a, b) => a.start - b.start || b.end - a.end);
  if (inside.length === 0) return data.subarray(0, cut);
  const parts: Buffer[] = [];
  let pos = 0;
  for (const span of inside) {
    if (span.end <= pos) continue;
    if (span.start >= pos) {
      if (span.start > pos) parts.push(data.subarray(pos, span.start));
      parts.push(MARKER);
    }
    pos = span.end;
  }
  if (pos < cut) parts.push(data.subarray(pos, cut));
  return Buffer.concat(parts);
}

/** One-shot redaction of a whole text (messages, command lines, error strings). */
export function redactText(text: string, secrets: Iterable<string>): string {
  const redactor = new Redactor(secrets);
  return Buffer.concat([redactor.push(Buffer.from(text, 'utf8')), redactor.end()]).toString('utf8');
}

export type OutputSink = (chunk: Buffer, stream: 'stdout' | 'stderr') => void;

/** A redactor per stream in front of `onOutput`; call `end()` once the command is over. */
export interface RedactingOutput {
  write(chunk: Buffer, stream: 'stdout' | 'stderr'): void;
  end(): void;
}

export function redactingOutput(secrets: Iterable<string>, onOutput: OutputSink): RedactingOutput {
  const list = [...secrets];
  const redactors = { stdout: new Redactor(list), stderr: new Redactor(list) };
  let ended = false;
  const deliver = (chunk: Buffer, stream: 'stdout' | 'stderr') => {
    if (chunk.length > 0) onOutput(chunk, stream);
  };
  return {
    write(chunk, stream) {
      if (ended) return;
      deliver(redactors[stream].push(chunk), stream);
    },
    end() {
      if (ended) return;
      ended = true;
      deliver(redactors.stdout.end(), 'stdout');
      deliver(redactors.stderr.end(), 'stderr');
    },
  };
}

// ---- secrets injected into a command's environment ----------------------------------------

/** `${secret:NAME}` inside a runbook env value stands for the vault secret NAME. */
const SECRET_REF = /\$\{secret:([A-Za-z0-9][A-Za-z0-9_.-]{0,63})\}/g;

export class MissingSecretError extends Error {
  constructor(readonly secret: string, readonly variable: string) {
    super(`The environment variable ${variable} needs the secret "${secret}", which is not in the vault: add it with \`cutover secret set --name ${secret}\`.`);
    this.name = 'MissingSecretError';
  }
}

/**
 * The environment a step asks for, with every `${secret:NAME}` replaced by the secret's
 * value (e.g. `PGPASSWORD: ${secret:db_password}`). Throws MissingSecretError naming the
 * variable and the secret when one is not there.
 */
export function resolveSecretEnv(env: Record<string, string> | undefined, secrets: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? {})) {
    out[name] = value.replace(SECRET_REF, (_all, secret: string) => {
      const resolved = secrets[secret];
      if (resolved === undefined) throw new MissingSecretError(secret, name);
      return resolved;
    });
  }
  return out;
}
