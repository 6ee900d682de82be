// A private PostgreSQL server for the checks that need server settings the shared test server
// cannot have (archive_mode needs a restart) or a replica streaming from it: initdb in a temp
// dir, the postgres binaries run as the `postgres` system user when we are root (initdb refuses
// root), stopped and removed when the suite ends. Null when the binaries are not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresBinDir } from '../helpers/pg';
import { freePort } from '../helpers/sshd';

export interface PrivateServer {
  port: number;
  dir: string;
  /** postgresql://postgres@127.0.0.1:PORT/DB */
  dsn(database?: string): string;
  stop(): Promise<void>;
}

interface RunAs {
  prefix: string[];
  uid: number | null;
  gid: number | null;
}

function runAs(): RunAs | null {
  if (process.getuid?.() !== 0) return { prefix: [], uid: null, gid: null };
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { prefix: ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'], uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(as: RunAs, cmd: string, args: string[], cwd: string): void {
  const [file, ...rest] = [...as.prefix, cmd, ...args];
  const r = spawnSync(file!, rest, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

async function startPostgres(as: RunAs, bin: string, data: string, dir: string, settings: Record<string, string>): Promise<PrivateServer> {
  const port = await freePort();
  const args = ['-D', data, '-c', `port=${port}`, '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`,
    '-c', 'fsync=off', '-c', 'max_connections=30', '-c', 'shared_buffers=16MB'];
  for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
  const [file, ...rest] = [...as.prefix, join(bin, 'postgres'), ...args];
  const child: ChildProcess = spawn(file!, rest, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 60_000);
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (/ready to accept (read-only )?connections/.test(log)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`the private test server did not start:\n${log}`);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    dir,
    dsn: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      child.kill('SIGKILL');
    },
  };
}

/** initdb + postgres with these settings; null when PostgreSQL's server binaries are missing. */
export async function startPrivateServer(settings: Record<string, string> = {}): Promise<(PrivateServer & { bin: string; as: RunAs; archiveDir: string }) | null> {
  const bin = postgresBinDir();
  const as = runAs();
  if (!bin || !as) return null;
  const dir = mkdtempSync(join(tmpdir(), 'cutover-pgcheck-'));
  const archiveDir = join(dir, 'archive');
  mkdirSync(archiveDir);
  if (as.uid !== null && as.gid !== null) {
    chownSync(dir, as.uid, as.gid);
    chownSync(archiveDir, as.uid, as.gid);
  }
  try {
    const data = join(dir, 'data');
    run(as, join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], dir);
    const server = await startPostgres(as, bin, data, dir, settings);
    return {
      ...server,
      bin,
      as,
      archiveDir,
      async stop() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A hot standby of `primary`, made with pg_basebackup -R and streaming from it. */
export async function startStandby(primary: NonNullable<Awaited<ReturnType<typeof startPrivateServer>>>): Promise<PrivateServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-pgstandby-'));
  if (primary.as.uid !== null && primary.as.gid !== null) chownSync(dir, primary.as.uid, primary.as.gid);
  try {
    const data = join(dir, 'data');
    run(primary.as, join(primary.bin, 'pg_basebackup'), ['-D', data, '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-R', '-X', 'stream', '--no-sync', '--checkpoint=fast'], dir);
    const server = await startPostgres(primary.as, primary.bin, data, dir, { hot_standby: 'on', archive_mode: 'off' });
    return {
      ...server,
      async stop() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
