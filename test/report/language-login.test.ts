// What the workstation says about a check login that BEGIN READ ONLY cannot hold (a superuser,
// dblink, replication…): in production it refuses the check, in rehearsal it warns in the
// transcript; in a runbook that says `language: es` both are Spanish, the advice's SQL as it is.
// English is word for word what check-login.ts always wrote (check-login.test.ts).
import { describe, expect, it } from 'vitest';
import { describeAssessment, judgePrivileges } from '../../src/core/targets/check-login';
import { useEngineFixture } from '../engine/setup';
import { found } from './language-sentences';

const everything = { login: 'app', is_superuser: false, superuser_via: ['postgres'], member_of: ['pg_execute_server_program', 'pg_write_server_files', 'pg_signal_backend'], dblink_functions: ['dblink_exec(text,text)'], replication_via: ['app', 'repl'], createrole_via: ['admin'], lo_export: true };

describe('the check login, in the runbook\'s language', () => {
  it('every privilege, its detail and the advice in Spanish; the SQL unchanged; English as recorded', () => {
    const assessment = judgePrivileges(everything);
    const es = describeAssessment(assessment, 'prod_db', 'es');
    expect(es).toMatch(/^Las comprobaciones SQL en el destino "prod_db" inician sesión como "app", que tiene superuser, /);
    expect(es).toContain('- replication: "app" tiene REPLICATION (a través de "repl", al que puede cambiar con SET ROLE): puede crear slots de replicación');
    expect(es).toContain('  REVOKE EXECUTE ON FUNCTION dblink_exec(text,text) FROM PUBLIC;  -- dblink lo puede ejecutar cualquier login');
    expect(es).toContain('  GRANT pg_read_all_data, pg_monitor TO cutover_check;');
    expect(found(es, 'en')).toEqual([]);
    const en = describeAssessment(assessment, 'prod_db');
    expect(en).toBe(describeAssessment(assessment, 'prod_db', 'en'));
    expect(en).toContain('- replication: "app" has REPLICATION (through "repl", which it can SET ROLE to): it can create replication slots');
    expect(assessment.harmful.map((h) => h.detail).join('\n')).toBe(en.split('\n').filter((l) => l.startsWith('- ')).map((l) => l.replace(/^- [\w_]+: /, '').replace(/\.$/, '')).join('\n'));
    expect(found(en, 'es')).toEqual([]);
  });

  it('a Spanish production run refuses a check whose login is a superuser, in Spanish; the chain does not move', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const text = `
format: cutover-runbook/v1
id: login
title: Login de comprobación
version: "1"
language: es
targets:
  db: { kind: postgres, dsn: "postgresql://postgres@127.0.0.1:5432/postgres", tls: disable }
phases:
  - id: P1
    title: Pasos
    steps:
      - { id: base, kind: check, title: Base, target: db, sql: "SELECT 1" }
`;
    const { runId } = await op.startRun({ text, source: 'login.yaml', environment: 'production' });
    await fx.engine('ap1').approve(runId, 'ap1', fx.signer('ap1'));
    const head = fx.vault.head();
    const error = await op.executeStep(runId, 'base').then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(/^Rechazado en producción: Las comprobaciones SQL en el destino "db" inician sesión como "postgres", que tiene superuser: BEGIN READ ONLY no impide lo que esto permite\.\n- superuser: "postgres" es superusuario: /);
    expect(error?.message).toContain('después, en el runbook: check_login: { user: cutover_check, secret: <el secreto que guarda su contraseña> }');
    expect(found(error!.message, 'en')).toEqual([]);
    expect(fx.vault.head()).toEqual(head);
  });
});
