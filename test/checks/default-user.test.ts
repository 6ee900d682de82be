// A DSN that names no user connects as libpq would: PGUSER, else the operating-system user —
// also where $USER is unset (a service, cron, a container), where pg alone sends no user name.
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseDsn as parseCheckDsn } from '../../src/core/checks/dsn';
import { parseDsn as parseTargetDsn } from '../../src/core/targets/pg-dsn';
import { withDefaultUser } from '../../src/core/targets/pg-user';
import { describeRun, runCli } from '../helpers/cli';
import { PGURL } from '../helpers/pg';

const osUser = userInfo().username;

describe('a DSN without a user name', () => {
  it('every parser fills in the operating-system user when PGUSER and USER are unset', () => {
    const saved = { USER: process.env.USER, PGUSER: process.env.PGUSER, LOGNAME: process.env.LOGNAME };
    delete process.env.USER;
    delete process.env.PGUSER;
    delete process.env.LOGNAME;
    try {
      expect(parseCheckDsn('postgresql://127.0.0.1:5432/app').user).toBe(osUser);
      expect(parseTargetDsn('postgresql://127.0.0.1:5432/app').user).toBe(osUser);
      expect(new URL(withDefaultUser('postgresql://127.0.0.1:5432/app')).username).toBe(encodeURIComponent(osUser));
      expect(withDefaultUser('postgresql://dba@127.0.0.1:5432/app')).toBe('postgresql://dba@127.0.0.1:5432/app');
      process.env.PGUSER = 'from_pguser';
      expect(parseCheckDsn('postgresql://127.0.0.1:5432/app').user).toBe('from_pguser');
      expect(parseTargetDsn('postgresql://127.0.0.1/app').user).toBe('from_pguser');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('`pg preflight` with no user in the DSN and no USER in the environment sends the OS user, not an empty startup packet', { timeout: 120_000 }, async () => {
    const server = new URL(PGURL);
    const dsn = `postgresql://${server.host}/postgres`;
    const r = await runCli(['pg', 'preflight', '--db', dsn, '--json'], { env: { USER: undefined, PGUSER: undefined, LOGNAME: undefined, PGPASSWORD: server.password ? decodeURIComponent(server.password) : undefined } });
    expect(`${r.stdout}${r.stderr}`, describeRun(r)).not.toMatch(/no PostgreSQL user name specified/i);
    // Connected (the checks ran: 0 or 1), or refused for that very user name (no such role here).
    if (r.code === 2) expect(r.stderr, describeRun(r)).toMatch(new RegExp(`"${osUser}"|${osUser}`));
    else expect([0, 1], describeRun(r)).toContain(r.code);
  });
});
