// An auditor's machine for tests: a PATH holding only GNU coreutils, unzip, ssh-keygen and sh
// (symlinks to the real programs; no node, sed, grep, awk or python), and the shell blocks of a
// pack's VERIFY.txt, taken out of the file the way an auditor copies them: every line between
// "# ---- BEGIN …" and "# ---- END …", without the four spaces of indentation.
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tool, type ToolRun } from './fixture';

/** GNU coreutils' programs (coreutils 9): the whole package, whichever of them this system has. */
const COREUTILS = `[ arch b2sum base32 base64 basename basenc cat chcon chgrp chmod chown chroot cksum comm cp csplit cut date dd df dir
dircolors dirname du echo env expand expr factor false fmt fold groups head hostid id install join link ln logname ls md5sum
mkdir mkfifo mknod mktemp mv nice nl nohup nproc numfmt od paste pathchk pinky pr printenv printf ptx pwd readlink realpath rm
rmdir runcon seq sha1sum sha224sum sha256sum sha384sum sha512sum shred shuf sleep sort split stat stdbuf stty sum sync tac tail
tee test timeout touch tr true truncate tsort tty uname unexpand uniq unlink users vdir wc who whoami yes`.split(/\s+/);

const SYSTEM_DIRS = ['/usr/bin', '/bin'];

function which(program: string): string | null {
  for (const dir of SYSTEM_DIRS) if (existsSync(join(dir, program))) return join(dir, program);
  return null;
}

/** A bin/ folder in `dir` with coreutils, unzip, ssh-keygen and sh, and nothing else. */
export function auditorBin(dir: string): string {
  const bin = join(dir, 'auditor-bin');
  mkdirSync(bin, { recursive: true });
  for (const program of [...COREUTILS, 'unzip', 'ssh-keygen', 'sh']) {
    const real = which(program);
    if (!real) {
      if (['unzip', 'ssh-keygen', 'sh', 'sha256sum', 'head', 'tail', 'cat', 'tr', 'cut', 'sort', 'uniq', 'mkdir', 'mv', 'rm', 'date'].includes(program)) throw new Error(`${program} is not installed; the auditor test needs it`);
      continue;
    }
    symlinkSync(real, join(bin, program));
  }
  return bin;
}

export interface AuditorShell {
  bin: string;
  /** Runs a block with sh on stdin (as if pasted), in `cwd`, with PATH = bin and only `env` besides. */
  run(block: string, cwd: string, env?: Record<string, string>): Promise<ToolRun>;
}

export function auditorShell(dir: string): AuditorShell {
  const bin = auditorBin(dir);
  const home = join(dir, 'auditor-home');
  mkdirSync(home, { recursive: true });
  return {
    bin,
    run: (block, cwd, env = {}) => tool(join(bin, 'sh'), [], { cwd, input: block, env: { PATH: bin, HOME: home, LC_ALL: 'C', ...env } }),
  };
}

/** The blocks of VERIFY.txt by name ("STEP 1" … "STEP 6", "SIGNING"), each as the lines an auditor pastes. */
export function verifyBlocks(verifyTxt: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  for (const raw of verifyTxt.split('\n')) {
    const begin = /^ {4}# ---- BEGIN (STEP \d+|SIGNING)\b/.exec(raw);
    if (begin) {
      if (name) throw new Error(`VERIFY.txt: ${begin[1]} begins inside ${name}`);
      name = begin[1]!;
      lines = [raw.slice(4)];
      continue;
    }
    if (!name) continue;
    if (raw !== '' && !raw.startsWith('    ')) throw new Error(`VERIFY.txt: a line of ${name} is not indented by four spaces: ${raw}`);
    lines.push(raw.slice(4));
    if (new RegExp(`^ {4}# ---- END ${name} ----$`).test(raw)) {
      if (blocks.has(name)) throw new Error(`VERIFY.txt has two blocks ${name}`);
      blocks.set(name, `${lines.join('\n')}\n`);
      name = null;
    }
  }
  if (name) throw new Error(`VERIFY.txt: ${name} has no END line`);
  return blocks;
}
