// Errors a user can meet while exporting, signing, verifying or importing a decision pack.
// Each has a stable `code` and a message that says what to do next. A pack that is damaged or
// tampered with is not an error here: verifyPack reports it. These are for input that cannot
// be checked at all (no such path, not a pack, a zip that is unsafe to unpack).

export class PackError extends Error {
  readonly code: string = 'PACK_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The path given is not a pack folder or a pack zip, or cannot be read. */
export class PackInputError extends PackError {
  override readonly code: string = 'PACK_INPUT';
}

/** The output folder or zip already exists: an export never writes over anything. */
export class PackExistsError extends PackError {
  override readonly code = 'PACK_EXISTS';
  constructor(readonly path: string) {
    super(`${path} already exists; an export never writes over an existing pack. Choose another --out folder or remove it.`);
  }
}

/**
 * A zip that is refused before anything is written: entries that would land outside the
 * target folder, links, impossible sizes, encryption, overlapping data, a damaged directory.
 */
export class UnsafeZipError extends PackInputError {
  override readonly code = 'PACK_UNSAFE_ZIP';
  constructor(readonly zipPath: string, readonly entry: string | null, readonly reason: string) {
    super(`${zipPath}: refused${entry !== null ? ` entry "${printableName(entry)}"` : ''}: ${reason}. Nothing was written; ask the sender for the pack again (or for the folder).`);
  }
}

/** The vault does not hold what the export needs, or holds bytes that no longer match their hash. */
export class PackExportError extends PackError {
  override readonly code = 'PACK_EXPORT';
}

/** A signature cannot be made or imported (wrong key for the identity, manifest not from this vault, …). */
export class PackSignError extends PackError {
  override readonly code = 'PACK_SIGN';
}

// C0 and C1 controls (ESC and the one-byte CSI 0x9b move a terminal's cursor), DEL, the line
// and paragraph separators and the bidirectional overrides that reorder what a reader sees.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text taken from a pack (a file name, a SHA256SUMS line, an identity, a reason) as it may be
 * printed: every control character shown as an escape ("\x1b", "\u202e"), so nothing in a pack
 * can move the cursor, recolour or repaint what a terminal shows.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A name as it can be shown in one line of a message: control characters escaped, length capped. */
export function printableName(name: string): string {
  const clean = printable(name);
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}
