// The part of ~/.ssh/config an operator relies on when a runbook names a host alias:
// Host blocks (patterns, `!` negation), HostName, Port, User, IdentityFile, IdentitiesOnly,
// Include. As in OpenSSH, the first value found for a keyword wins and IdentityFile
// accumulates. `Match` blocks are not evaluated (their settings are skipped).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

export interface SshHostConfig {
  /** The real host name to connect to (HostName, or the alias itself). */
  hostName: string;
  port?: number;
  user?: string;
  /** IdentityFile entries in order, `~` and %-tokens expanded. */
  identityFiles: string[];
  identitiesOnly?: boolean;
  /** ProxyJump / ProxyCommand are reported so a caller can refuse them clearly. */
  proxyJump?: string;
  proxyCommand?: string;
}

interface Directive {
  keyword: string;
  args: string[];
}

interface Block {
  /** null: the top of the file (applies to every host); 'match': a Match block (skipped). */
  patterns: string[] | null | 'match';
  directives: Directive[];
}

export function defaultSshConfigPath(): string {
  return join(homedir(), '.ssh', 'config');
}

/** A line's keyword and arguments: `Key value`, `Key=value`, `Key "quoted value"`. */
function splitLine(line: string): string[] {
  const m = /^([^\s=]+)\s*=?\s*(.*)$/.exec(line);
  if (!m) return [];
  const words = [m[1] as string];
  const rest = m[2] ?? '';
  const arg = /"([^"]*)"|(\S+)/g;
  for (let a = arg.exec(rest); a; a = arg.exec(rest)) words.push(a[1] ?? a[2] ?? '');
  return words;
}

function parseBlocks(text: string, file: string, depth: number): Block[] {
  const blocks: Block[] = [{ patterns: null, directives: [] }];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [keywordRaw, ...args] = splitLine(line);
    if (!keywordRaw) continue;
    const keyword = keywordRaw.toLowerCase();
    if (keyword === 'host') {
      blocks.push({ patterns: args, directives: [] });
    } else if (keyword === 'match') {
      blocks.push({ patterns: args.length === 1 && args[0]?.toLowerCase() === 'all' ? null : 'match', directives: [] });
    } else if (keyword === 'include') {
      // Included files are read in place: their Host blocks end where the file ends.
      const current = blocks[blocks.length - 1] as Block;
      for (const included of args.flatMap((a) => expandInclude(a, file))) {
        if (depth >= 16) break;
        for (const block of parseBlocks(readFileSync(included, 'utf8'), included, depth + 1)) {
          blocks.push(block.patterns === null ? { patterns: current.patterns, directives: block.directives } : block);
        }
      }
      blocks.push({ patterns: current.patterns, directives: [] });
    } else {
      (blocks[blocks.length - 1] as Block).directives.push({ keyword, args });
    }
  }
  return blocks;
}

/** Include paths: relative ones are under ~/.ssh; a '*' or '?' in the file name is expanded. */
function expandInclude(pattern: string, fromFile: string): string[] {
  let path = pattern.startsWith('~/') ? join(homedir(), pattern.slice(2)) : pattern;
  if (!isAbsolute(path)) path = join(dirname(fromFile), path);
  const dir = dirname(path);
  const base = path.slice(dir.length + 1);
  if (!/[*?]/.test(base)) return existsSync(path) ? [path] : [];
  if (!existsSync(dir)) return [];
  const re = globToRegExp(base);
  return readdirSync(dir).filter((name) => re.test(name)).sort().map((name) => join(dir, name));
}

function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}

/** OpenSSH's Host matching: any positive pattern matches and no negated one does. */
function hostMatches(patterns: string[], host: string): boolean {
  let matched = false;
  for (const pattern of patterns.flatMap((p) => p.split(','))) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(host)) return false;
    } else if (globToRegExp(pattern).test(host)) {
      matched = true;
    }
  }
  return matched;
}

function expandTokens(value: string, tokens: Record<string, string>): string {
  const withHome = value.startsWith('~/') || value === '~' ? homedir() + value.slice(1) : value;
  return withHome.replace(/%(.)/g, (all, key: string) => (key === '%' ? '%' : tokens[key] ?? all));
}

export interface ResolveOptions {
  /** The config file (default ~/.ssh/config). A missing file means no settings. */
  path?: string;
  /** The config text itself, instead of reading `path`. */
  text?: string;
}

/** Settings for `host` as `ssh HOST` would use them. */
export function resolveSshHost(host: string, options: ResolveOptions = {}): SshHostConfig {
  const path = options.path ?? defaultSshConfigPath();
  const text = options.text ?? (existsSync(path) ? readFileSync(path, 'utf8') : '');
  const found = new Map<string, string[]>();
  const identityFiles: string[] = [];
  for (const block of parseBlocks(text, path, 0)) {
    if (block.patterns === 'match') continue;
    if (block.patterns !== null && !hostMatches(block.patterns, host)) continue;
    for (const { keyword, args } of block.directives) {
      if (keyword === 'identityfile') {
        if (args[0]) identityFiles.push(args[0]);
      } else if (!found.has(keyword)) {
        found.set(keyword, args);
      }
    }
  }
  const first = (keyword: string) => found.get(keyword)?.[0];
  const hostName = expandTokens(first('hostname') ?? host, { h: host });
  const user = first('user');
  const portText = first('port');
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : undefined;
  const localUser = safeLocalUser();
  const tokens: Record<string, string> = { h: hostName, n: host, r: user ?? localUser, u: localUser, d: homedir(), l: hostname(), p: String(port ?? 22) };
  const config: SshHostConfig = {
    hostName,
    identityFiles: identityFiles.map((f) => expandTokens(f, tokens)),
  };
  if (port !== undefined) config.port = port;
  if (user !== undefined) config.user = user;
  const identitiesOnly = first('identitiesonly');
  if (identitiesOnly !== undefined) config.identitiesOnly = identitiesOnly.toLowerCase() === 'yes';
  const proxyJump = first('proxyjump');
  if (proxyJump !== undefined && proxyJump.toLowerCase() !== 'none') config.proxyJump = proxyJump;
  const proxyCommand = first('proxycommand');
  if (proxyCommand !== undefined && proxyCommand.toLowerCase() !== 'none') config.proxyCommand = [proxyCommand, ...(found.get('proxycommand')?.slice(1) ?? [])].join(' ');
  return config;
}

export function safeLocalUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'root';
  }
}
