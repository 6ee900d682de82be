// A private PostgreSQL server for the checks that need server settings the shared test server
// cannot have (archive_mode needs a restart) or a replica streaming from it: initdb in a temp
// dir, the postgres binaries run as the `postgres` system user when we are root (initdb refuses
// root), stopped and removed when the suite ends. Null when the binaries are not installed.
// How a private server is made (initdb, postgres, the temp dir) is in ../helpers/pg.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { giveTo, initdb, inTempDir, postgresBinDir, run, runAs, startPostgres, type RunAs } from '../helpers/pg';

export interface PrivateServer {
  port: number;
  dir: string;
  /** postgresql://postgres@127.0.0.1:PORT/DB */
  dsn(database?: string): string;
  stop(): Promise<void>;
}

async function serve(as: RunAs, bin: string, data: string, dir: string, settings: Record<string, string>): Promise<PrivateServer> {
  const { port, stop } = await startPostgres(as, bin, data, dir, settings);
  return { port, dir, dsn: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`, stop };
}

/** initdb + postgres with these settings; null when PostgreSQL's server binaries are missing. */
export async function startPrivateServer(settings: Record<string, string> = {}): Promise<(PrivateServer & { bin: string; as: RunAs; archiveDir: string }) | null> {
  const bin = postgresBinDir();
  const as = runAs();
  if (!bin || !as) return null;
  return inTempDir('cutover-pgcheck-', as, async (dir) => {
    const archiveDir = join(dir, 'archive');
    mkdirSync(archiveDir);
    giveTo(as, archiveDir);
    const data = initdb(as, bin, dir, ['-A', 'trust']);
    return { ...(await serve(as, bin, data, dir, settings)), bin, as, archiveDir };
  });
}

/** A hot standby of `primary`, made with pg_basebackup -R and streaming from it. */
export async function startStandby(primary: NonNullable<Awaited<ReturnType<typeof startPrivateServer>>>): Promise<PrivateServer> {
  return inTempDir('cutover-pgstandby-', primary.as, async (dir) => {
    const data = join(dir, 'data');
    run(join(primary.bin, 'pg_basebackup'), ['-D', data, '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-R', '-X', 'stream', '--no-sync', '--checkpoint=fast'], { cwd: dir, as: primary.as });
    return serve(primary.as, primary.bin, data, dir, { hot_standby: 'on', archive_mode: 'off' });
  });
}
