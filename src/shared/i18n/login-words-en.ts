// What the workstation says about the login SQL checks use (src/core/targets/check-login.ts):
// the privileges that BEGIN READ ONLY does not stop, and how to make a read-only login, in
// English. Part of the core's catalogue (en.ts spreads it in); login-words-es.ts has every key.
// English is kept byte for byte as check-login.ts wrote it before.

export const loginWordsEn = {
  'login.summary': 'SQL checks{where} log in as "{login}", which holds {names}: BEGIN READ ONLY does not stop what these allow.',
  'login.where': ' on target "{target}"',
  'login.superuser': '"{login}" is a superuser: inside BEGIN READ ONLY it can still run programs as the server\'s OS user, write server files, terminate sessions, commit through dblink and create replication slots',
  'login.superuserVia': '"{login}" is a member of the superuser role {roles}, which it can SET ROLE to',
  'login.superuserViaMany': '"{login}" is a member of the superuser roles {roles}, which it can SET ROLE to',
  'login.memberOf': '"{login}" is a member of {role} (directly or through another role): it {what}',
  'login.what.pg_execute_server_program': 'runs programs on the database server as its OS user (COPY … TO PROGRAM), even inside BEGIN READ ONLY',
  'login.what.pg_write_server_files': 'writes files on the database server (COPY … TO \'/path\'), even inside BEGIN READ ONLY',
  'login.what.pg_signal_backend': 'cancels and terminates other sessions (pg_terminate_backend), the application\'s included',
  'login.dblink': '"{login}" may EXECUTE {functions}: dblink opens its own connection, so what it runs commits whatever the check\'s read-only transaction says',
  'login.loExport': '"{login}" may EXECUTE lo_export(oid, text): it writes large objects to files on the database server',
  'login.replication': '"{login}" has REPLICATION{through}: it can create replication slots (pg_create_physical_replication_slot) that hold WAL until the disk fills',
  'login.createrole': '"{login}" has CREATEROLE{through}: it can create roles and grant itself others\' memberships',
  'login.through': ' (through {roles}, which it can SET ROLE to)',
  'login.advice.intro': 'Run SQL checks through a read-only login, and name it on the postgres target:',
  'login.advice.dblink': 'dblink is executable by every login once installed; grant it back to the roles that need it',
  'login.advice.then': 'then in the runbook:',
  'login.advice.secret': 'the secret holding its password',
  'login.advice.revoke': 'Or take the privileges away from "{login}" (a privilege held through another role is revoked from that role):',
  'login.rehearsalWarning': 'WARNING (rehearsal; refused in production): {warning}',
} as const;

/** What login-words-es.ts (and any other language) fills: every key above. */
export type LoginWordsCatalogue = { readonly [K in keyof typeof loginWordsEn]: string };
