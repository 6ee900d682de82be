// A runbook with a MySQL target, run by the engine against the real MariaDB: the password from a
// vault secret, an SQL check with a value gate on a column and a parameter bound with ?, a
// check that tries to write (refused, FAIL), an approved multi-statement command, the secret
// redacted from the evidence, ${target:NAME} as a URL without password, and --target overrides.
import { describe, expect, it, onTestFinished } from 'vitest';
import { applyOverrides } from '../../src/core/engine/resolve';
import { targetReference } from '../../src/core/engine/target-address';
import { loadRunbook, RunbookError } from '../../src/core/runbook';
import { useEngineFixture } from '../engine/setup';
import { adminQuery, useTestMysql } from '../helpers/mysql';

function runbook(dsn: string): string {
  return `
format: cutover-runbook/v1
id: mysql-engine-test
title: MySQL engine test
version: "1"
policy: { approvals: { quorum: 1 } }
params:
  source_id: { default: "assets_1'x" }
targets:
  src: { kind: mysql, dsn: "${dsn}", secret: db_password, tls: disable }
secrets: [ { name: db_password } ]
phases:
  - id: P0
    title: Source checks
    steps:
      - id: pending
        kind: check
        title: Pending chunks of the source
        target: src
        sql: "SELECT COUNT(*) AS n, MAX(source_id) AS source FROM chunks WHERE source_id = \${param:source_id} AND done = 0"
        expect: [ { value: { column: n, equals: 2 } }, { value: { column: source, equals: "\${param:source_id}" } } ]
        statement_timeout: 5s
  - id: P1
    title: Change
    steps:
      - id: mark
        kind: command
        title: Mark the chunks done and log the password the server echoes
        target: src
        run: "UPDATE chunks SET done = 1 WHERE done = 0; SELECT CONCAT('pw=', secret_echo) AS leak FROM echo"
        expect: [ { output_contains: "pw=" } ]
  - id: P2
    title: After
    steps:
      - id: sneaky
        kind: check
        title: A check that tries to write
        target: src
        sql: "UPDATE chunks SET done = 1"
`;
}

describe('the engine with a mysql target (MariaDB)', () => {
  it('runs checks (value gate, bound parameter) and an approved multi-statement command; a write in a check is refused; the secret never reaches the evidence', { timeout: 60_000 }, async () => {
    const db = await useTestMysql();
    await db.query('CREATE TABLE chunks (id INT PRIMARY KEY, source_id VARCHAR(40), done TINYINT NOT NULL DEFAULT 0)');
    await db.query("INSERT INTO chunks VALUES (1, 'assets_1''x', 0), (2, 'assets_1''x', 0), (3, 'assets_2', 0)");
    await db.query('CREATE TABLE echo (secret_echo VARCHAR(80))');
    await db.query('INSERT INTO echo VALUES (?)', [db.password]);
    const fx = await useEngineFixture({ db_password: db.password });
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(db.dsn), source: 'mysql.yaml', environment: 'rehearsal' });

    const pending = await op.executeStep(run.runId, 'pending');
    expect(pending.status).toBe('PASS');
    expect(pending.gates.find((g) => g.check?.type === 'value' && g.check.column === 'n')).toMatchObject({ passed: true, check: { actual: '2' } });
    const started = fx.vault.events().filter((e) => e.type === 'step.started').at(-1)!.payload as { command: string; bind: unknown[] };
    expect(started.command).toBe('SELECT COUNT(*) AS n, MAX(source_id) AS source FROM chunks WHERE source_id = ? AND done = 0');
    expect(started.bind).toEqual(["assets_1'x"]);
    expect(op.status(run.runId).steps.get('pending')!.readOnly).toBe('enforced');

    await fx.engine('ap1').approve(run.runId, 'ap1', fx.signer('ap1'));
    const mark = await op.executeStep(run.runId, 'mark');
    expect(mark.status).toBe('PASS');
    const transcript = Buffer.concat([...fx.vault.readArtifact(mark.transcript.artifactId)]).toString();
    expect(transcript).toContain('Query OK, 3 rows affected');
    expect(transcript).toContain('pw=[REDACTED]');
    expect(transcript).not.toContain(db.password);
    expect(await db.query('SELECT SUM(done) AS d FROM chunks')).toEqual([{ d: '3' }]);

    // A check that tries to write is refused by the server, and nothing changes.
    await db.query('UPDATE chunks SET done = 0 WHERE id = 3');
    const sneaky = await op.executeStep(run.runId, 'sneaky');
    expect(sneaky.status).toBe('FAIL');
    const sneakyText = Buffer.concat([...fx.vault.readArtifact(sneaky.transcript.artifactId)]).toString();
    expect(sneakyText).toContain('ERROR 1792 (25006): Cannot execute statement in a READ ONLY transaction');
    expect(await db.query('SELECT SUM(done) AS d FROM chunks')).toEqual([{ d: '2' }]);
  });

  it('check_login: SQL checks run as the read-only login (its secret from the vault), commands as the DSN\'s user', { timeout: 60_000 }, async () => {
    const db = await useTestMysql();
    const login = `${db.user}_ro`;
    const loginPassword = `ro-${db.password}`;
    await adminQuery(`CREATE USER '${login}'@'%' IDENTIFIED BY '${loginPassword}'`);
    await adminQuery(`CREATE USER '${login}'@'localhost' IDENTIFIED BY '${loginPassword}'`);
    onTestFinished(async () => {
      await adminQuery(`DROP USER IF EXISTS '${login}'@'%', '${login}'@'localhost'`);
    });
    await adminQuery(`GRANT SELECT ON ${db.database}.* TO '${login}'@'%', '${login}'@'localhost'`);
    await db.query('CREATE TABLE t (a INT)');
    const text = `
format: cutover-runbook/v1
id: mysql-login-test
title: MySQL check login
version: "1"
policy: { approvals: { quorum: 1 } }
targets:
  src: { kind: mysql, dsn: "${db.dsn}", secret: db_password, tls: disable, check_login: { user: ${login}, secret: ro_password } }
secrets: [ { name: db_password }, { name: ro_password } ]
phases:
  - id: P0
    title: Checks
    steps:
      - { id: who, kind: check, title: Who checks, target: src, sql: "SELECT SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AS who", expect: [ { value: { column: who, equals: "${login}" } } ] }
      - { id: write, kind: command, title: Write as the owner, target: src, run: "INSERT INTO t VALUES (1); SELECT SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AS who", expect: [ { value: { column: who, equals: "${db.user}" } } ] }
`;
    const fx = await useEngineFixture({ db_password: db.password, ro_password: loginPassword });
    const op = fx.engine('op');
    const run = await op.startRun({ text, source: 'login.yaml', environment: 'rehearsal' });
    const who = await op.executeStep(run.runId, 'who');
    expect(who.status, Buffer.concat([...fx.vault.readArtifact(who.transcript.artifactId)]).toString() + JSON.stringify(who.gates)).toBe('PASS');
    await fx.engine('ap1').approve(run.runId, 'ap1', fx.signer('ap1'));
    const write = await op.executeStep(run.runId, 'write');
    expect(write.status).toBe('PASS');
    expect(await db.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 1 }]);
  });

  it('${target:NAME} is the DSN with its TLS mode and no password; --target NAME=mysql://… overrides the DSN and the mode', async () => {
    const loaded = loadRunbook(runbook('mysql://app@db.example:3306/sales'), 'mysql.yaml');
    const src = loaded.runbook.targets.src!;
    expect(targetReference(src)).toBe('mysql://app@db.example:3306/sales?ssl-mode=DISABLED');
    const moved = applyOverrides(loaded.runbook, { src: 'mysql://rehearsal@127.0.0.1:3307/sales_copy?ssl-mode=REQUIRED' });
    expect(moved.src).toMatchObject({ kind: 'mysql', dsn: 'mysql://rehearsal@127.0.0.1:3307/sales_copy?ssl-mode=REQUIRED', tls: 'require', secret: 'db_password' });
    expect(() => applyOverrides(loaded.runbook, { src: 'postgresql://x@y/z' })).toThrow(/src is a mysql target: give a mysql:\/\/ DSN/);
    expect(() => applyOverrides(loaded.runbook, { src: 'mysql://app:hunter22@y/z' })).toThrow(/carries a password/);
  });

  it('validation: a password in a mysql DSN is refused at its line; an SQL check on a mysql target is accepted', () => {
    let error: unknown;
    try {
      loadRunbook(runbook('mysql://app:hunter22@db.example:3306/sales'), 'mysql.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RunbookError);
    const issue = (error as RunbookError).issues.find((i) => /carries a password/.test(i.message));
    expect(issue).toMatchObject({ line: 10, path: 'targets.src.dsn' });
    expect((error as RunbookError).message).not.toContain('hunter22');
    const good = loadRunbook(runbook('mysql://app@db.example:3306/sales'), 'mysql.yaml');
    expect(good.warnings.filter((w) => w.severity === 'error')).toEqual([]);
  });
});
