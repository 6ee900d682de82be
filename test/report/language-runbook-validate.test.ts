// `cutover runbook validate` in the runbook's language (issue 13, item 3): a runbook that says
// `language: es` has every mistake reported in Spanish, through the real `cutover` process (the
// format's rules as zod reports them, names with accents, patterns, thresholds, DSNs, targets,
// secrets, roles, references, expressions, HTTP steps, the evidence pack, a warning and the
// closing line); the same runbook with `language: en` or none prints English byte for byte as
// before this change (the expected lines below are what the previous code printed). Where no
// runbook language can be read (YAML that does not parse, a file that is not there),
// --lang / CUTOVER_LANG decide.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, expectNoCrash, runCli, type CliResult } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

/** Mistakes the format's schema finds (zod, and the rules schema.ts adds). LANG is replaced by a language line. */
const SCHEMA_MISTAKES = `format: cutover-runbook/v1
id: corte-pagos
title: Corte de pagos
version: 1.10
LANG
targets:
  prod: { kind: postgres, dsn: "postgresql://app:hunter2@db/pagos" }
  ws: { kind: local }
preconditions:
  - { id: congelación, kind: attest, title: Congelar escrituras, statement: "Escrituras congeladas" }
phases:
  - id: P1
    title: Verificación
    at: T-30
    timout: 5m
    steps:
      - { id: cabezas, kind: check, title: Cabezas, target: ws, run: "alembic heads", read_only: true, timeout: 5 minutos }
      - { id: respaldo, kind: backup, title: Respaldo }
      - id: migrar
        kind: command
        title: Migrar
        target: ws
        run: "alembic upgrade head"
        abort_on:
          - { pattern: "(?=ERROR)" }
      - id: canario
        kind: monitor
        title: Canario
        probe: { url: "https://api.example.com/health" }
        every: 30s
        for: 10m
        thresholds: ["latencia_ms <= 1200"]
      - { id: avisar, kind: manual, title: Avisar }
`;

/** A runbook of the right shape whose parts do not hang together (validate*.ts, references.ts). */
const WHOLE_MISTAKES = `format: cutover-runbook/v1
id: corte-pagos
title: Corte de pagos
version: "1"
LANG
secrets:
  - name: clave_app
targets:
  prod: { kind: postgres, dsn: "postgresql://app@db/pagos", secret: clave_api }
  ws: { kind: local }
  api: { kind: http, base_url: "https://api.example.com" }
evidence_pack: [cabezas.log, informe.log]
preconditions:
  - { id: freeze, kind: attest, title: Congelar, statement: "Escrituras congeladas", by: comandante }
phases:
  - id: P1
    title: Verificación
    steps:
      - { id: cabezas, kind: check, title: Cabezas, target: prod, run: "alembic heads", read_only: true, evidence: cabezas.log }
      - { id: cabezas, kind: check, title: Otra vez, target: Prod, sql: "select 1" }
      - { id: salud, kind: http, title: Salud, target: api, request: { method: GET, path: /health }, expect: [ { exit_code: 0 } ] }
      - { id: version, kind: check, title: Versión, target: ws, run: "echo \${param:release}", read_only: true, when: "\${param:release} ==" }
      - { id: sql, kind: check, title: SQL, target: ws, sql: "select 1" }
`;

/** What the code before this change printed for SCHEMA_MISTAKES (FILE: the runbook's path). */
const SCHEMA_ENGLISH = [
  'FILE:7:32: `dsn`: the DSN carries a password: remove it and name a secret instead (the secret lives in the vault)',
  'FILE:10:11: `id` must be an id: letters, digits, _ . -, up to 64; "congelación" has letters outside ASCII (ids and evidence names are kept ASCII so every tool, file system and signature reads them alike): write "congelacion" (got text "congelación")',
  'FILE:15:5: unknown key `timout` (did you mean `timeout`?): the runbook format is strict; remove it or fix its spelling',
  'FILE:17:113: `timeout` must be a duration like "30s", "5m" or "2h" (got text "5 minutos")',
  'FILE:18:31: unknown step kind "backup": use one of attest, record, check, command, manual, monitor, http',
  'FILE:25:24: `pattern`: the lookahead `(?=` is not supported: runbook patterns use RE2 syntax, which matches in time linear in the output so that no pattern can freeze a step, and lookahead cannot be matched in linear time. Match the line you mean directly; for "a line like X but not Y" on an abort gate, write `pattern: X` and `unless: Y`',
  'FILE:29:16: `every` is missing: add it (text)',
  'FILE:29:16: `for` is missing: add it (text)',
  'FILE:32:22: `thresholds[0]`: `latencia_ms` is not something a monitor measures: use error_rate_pct, p50_ms, p95_ms, p99_ms, max_ms (a threshold like "error_rate_pct <= 2.0", "p95_ms <= 1200" or "p95_ms <= ${value:baseline.p95_ms} * 1.2")',
  'FILE:33:9: `instructions` is missing: add it (text)',
  "cutover: FILE: not a valid runbook (10 errors).",
];

const WHOLE_ENGLISH = [
  'FILE:7:11: warning: secret `clave_app` is declared but no target or step uses it',
  'FILE:9:69: target `prod` names secret `clave_api`, which is not declared: add `- name: clave_api` under `secrets:` (declared: clave_app)',
  'FILE:12:30: `informe.log` is in the evidence pack but no step produces it: set `evidence: informe.log` on the step that writes it, or remove it from `evidence_pack`',
  'FILE:14:90: step `freeze` names the role `comandante`, which is not declared: add `comandante: { min: 1 }` under `roles:` (roles are `operator`, `approver`, `observer`)',
  'FILE:19:72: `run` is a shell command and runs on an ssh or local target, and `prod` is a postgres target: use `sql` for a read-only query',
  'FILE:20:15: duplicate step id `cabezas`: step ids must be unique across preconditions, phases and rollback (approvals and evidence refer to steps by id) (see line 19)',
  'FILE:20:62: unknown target `Prod` (did you mean `prod`?): declared targets are `prod`, `ws`, `api`',
  'FILE:21:112: an HTTP step has no exit code: expect `status: 200` (or a list of statuses) instead',
  'FILE:22:70: `${param:release}` names a parameter the runbook does not declare: add it under `params:`',
  'FILE:22:118: the expression `${param:release} ==` does not parse: Unexpected token: EOF',
  'FILE:23:62: an SQL check runs on a postgres target, and `ws` is a local target: point `target` at a postgres or mysql target, or make it a shell check with `run`',
  "cutover: FILE: not a valid runbook (10 errors).",
];

/** YAML that does not parse (a value that runs into the next line, a flow map never closed). */
const BROKEN = 'format: cutover-runbook/v1\nid: roto\ntitle: Corte roto\n  version: "1"\ntargets: { ws: { kind: local }\nphases:\n  - id: P1\n';

const BROKEN_ENGLISH = [
  'FILE:3:8: this value contains ": ", which YAML reads as another key: put the whole value in quotes, or use a block (`key: >-` and the text on the next lines)',
  'FILE:3:8: Implicit keys need to be on a single line',
  'FILE:6:1: Flow map in block collection must be sufficiently indented and end with a }',
  'cutover: FILE: not a valid runbook (3 errors).',
];

const VALID = `format: cutover-runbook/v1
id: corte
title: Corte
version: "1"
language: es
targets:
  ws: { kind: local }
phases:
  - id: P1
    title: Cambio
    steps:
      - { id: mirar, kind: check, title: Mirar, target: ws, run: "true", read_only: true }
      - { id: cambiar, kind: command, title: Cambiar, target: ws, run: "true" }
`;

function write(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function validate(file: string, env: Record<string, string> = {}, extra: string[] = []): Promise<CliResult> {
  const r = await runCli(['runbook', 'validate', file, ...extra], { env });
  expectNoCrash(r);
  return r;
}

/** The Spanish report: exit 2, one line per mistake and the closing line, no English sentence of the catalogue. */
function expectSpanish(r: CliResult, errors: number): void {
  expect(r.code, describeRun(r)).toBe(2);
  expect(found(r.stderr, 'en'), r.stderr).toEqual([]);
  expect(r.stderr).toContain(`no es un runbook válido (${errors} ${errors === 1 ? 'error' : 'errores'}).`);
  // The YAML parser's own words are quoted after a Spanish explanation, as the parser wrote them.
  expect(r.stderr.replace(/\(el analizador YAML dice: [^\n]*\)/g, '')).not.toMatch(/not a valid runbook|is missing|must be|unknown (key|target|step)|declared/);
}

describe('cutover runbook validate in the runbook\'s language', () => {
  it('a runbook with language: es has each of its schema mistakes said in Spanish; language: en or none prints the English as before', async () => {
    const dir = useTempDir('cutover-runbook-lang-');
    const es = write(dir, 'es.yaml', SCHEMA_MISTAKES.replace('LANG', 'language: es'));
    const spanish = await validate(es);
    expectSpanish(spanish, 10);
    const lines = spanish.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(SCHEMA_ENGLISH.length);
    // The positions are the English report's: only the words changed.
    expect(lines.map((l) => l.split(': ')[0])).toEqual(SCHEMA_ENGLISH.map((l) => l.replace('FILE', es).split(': ')[0]));
    for (const sentence of [
      /`dsn`: el DSN lleva una contraseña: quítela/,
      /"congelación" tiene letras fuera de ASCII .*: escriba "congelacion" \(se recibió el texto "congelación"\)/,
      /clave desconocida `timout` \(¿quería decir `timeout`\?\)/,
      /`timeout` debe ser una duración como "30s", "5m" o "2h"/,
      /tipo de paso desconocido "backup": use uno de attest/,
      /la búsqueda hacia delante `\(\?=` no se admite: los patrones del runbook usan la sintaxis RE2/,
      /falta `every`: añádalo \(un texto\)/,
      /`latencia_ms` no es algo que mida un monitor/,
    ]) expect(spanish.stderr).toMatch(sentence);

    for (const line of ['language: en', '# no language']) {
      const file = write(dir, 'en.yaml', SCHEMA_MISTAKES.replace('LANG', line));
      const english = await validate(file);
      expect(english.code, describeRun(english)).toBe(2);
      expect(english.stderr).toBe(`${SCHEMA_ENGLISH.map((l) => l.replaceAll('FILE', file)).join('\n')}\n`);
    }
    // --lang does not override the runbook's own language, either way.
    expectSpanish(await validate(es, {}, ['--lang', 'en']), 10);
    const none = write(dir, 'none.yaml', SCHEMA_MISTAKES.replace('LANG', '# no language'));
    expectSpanish(await validate(none, { CUTOVER_LANG: 'es' }), 10);
  });

  it('the checks over the whole runbook (targets, secrets, roles, references, expressions, HTTP, evidence, a warning) in Spanish; English as before', async () => {
    const dir = useTempDir('cutover-runbook-lang-');
    const es = write(dir, 'es.yaml', WHOLE_MISTAKES.replace('LANG', 'language: es'));
    const spanish = await validate(es);
    expectSpanish(spanish, 10);
    for (const sentence of [
      /aviso: el secreto `clave_app` está declarado pero ningún destino ni paso lo usa/,
      /el destino `prod` nombra el secreto `clave_api`, que no está declarado: añada `- name: clave_api` bajo `secrets:` \(declarados: clave_app\)/,
      /`informe.log` está en el paquete de evidencias pero ningún paso lo produce/,
      /el paso `freeze` nombra el rol `comandante`, que no está declarado: añada `comandante: \{ min: 1 \}`/,
      /id de paso `cabezas` repetido: .* \(vea la línea 19\)/,
      /destino desconocido `Prod` \(¿quería decir `prod`\?\)/,
      /un paso HTTP no tiene código de salida/,
      /`\$\{param:release\}` nombra un parámetro que el runbook no declara/,
      /la expresión `\$\{param:release\} ==` no se puede analizar/,
      /una comprobación SQL se ejecuta en un destino postgres, y `ws` es un destino local/,
    ]) expect(spanish.stderr).toMatch(sentence);

    const file = write(dir, 'en.yaml', WHOLE_MISTAKES.replace('LANG', 'language: en'));
    const english = await validate(file);
    expect(english.code, describeRun(english)).toBe(2);
    expect(english.stderr).toBe(`${WHOLE_ENGLISH.map((l) => l.replaceAll('FILE', file)).join('\n')}\n`);
  });

  it('YAML that does not parse, and a file that is not there, follow --lang / CUTOVER_LANG (or a language: line YAML could not reach)', async () => {
    const dir = useTempDir('cutover-runbook-lang-');
    const broken = write(dir, 'broken.yaml', BROKEN);
    for (const [env, extra] of [[{}, ['--lang', 'es']], [{ CUTOVER_LANG: 'es' }, []]] as const) {
      const r = await validate(broken, env, [...extra]);
      expectSpanish(r, 3);
      expect(r.stderr).toMatch(/3:8: este valor contiene ": ", que YAML lee como otra clave/);
      expect(r.stderr).toMatch(/6:1: la sangría no encaja con la estructura/);
    }
    const english = await validate(broken);
    expect(english.code, describeRun(english)).toBe(2);
    expect(english.stderr).toBe(`${BROKEN_ENGLISH.map((l) => l.replaceAll('FILE', broken)).join('\n')}\n`);

    const declared = write(dir, 'con-idioma.yaml', `language: es\n${BROKEN}`);
    expectSpanish(await validate(declared), 3);

    const missing = await validate(join(dir, 'no-such.yaml'), {}, ['--lang', 'es']);
    expectSpanish(missing, 1);
    expect(missing.stderr).toContain('1:1: no se puede abrir el archivo: no existe ese archivo');
  });

  it('a JSON path targets/json-path.ts refuses in English is said again in Spanish for a Spanish runbook', async () => {
    const dir = useTempDir('cutover-runbook-lang-');
    const runbook = (line: string) => `format: cutover-runbook/v1
id: captura
title: Captura
version: "1"
${line}
targets:
  api: { kind: http, base_url: "https://api.example.com" }
phases:
  - id: P1
    title: Lanzar
    steps:
      - { id: lanzar, kind: http, title: Lanzar, target: api, capture: { trabajo: { json: "job_id" } } }
`;
    const spanish = await validate(write(dir, 'es.yaml', runbook('language: es')));
    expectSpanish(spanish, 1);
    expect(spanish.stderr).toContain('la ruta JSON "job_id" no se puede analizar: debe empezar por $ (escríbala como $.job_id');
    const english = await validate(write(dir, 'en.yaml', runbook('')));
    expect(english.stderr).toContain(':12:91: JSON path "job_id" does not parse: it must start with $ (write it like $.job_id, $.items[0].id or $[\'odd key\'])\n');
  });

  it('a runbook written as JSON states its language inside the document: read from the parsed YAML', async () => {
    const dir = useTempDir('cutover-runbook-lang-');
    const doc = { format: 'cutover-runbook/v1', id: 'json', title: 'JSON', version: '1', language: 'es', targets: { ws: { kind: 'local' } }, phases: [{ id: 'P1', title: 'P', steps: [{ id: 's', kind: 'manual', title: 'S', instrucciones: 'x' }] }] };
    const r = await validate(write(dir, 'json.yaml', JSON.stringify(doc, null, 2)));
    expectSpanish(r, 2);
    expect(r.stderr).toContain('clave desconocida `instrucciones`');
    expect(r.stderr).toContain('falta `instructions`: añádalo (un texto)');
  });

  it('a valid Spanish runbook: the summary line in Spanish', async () => {
    const dir = useTempDir('cutover-runbook-lang-');
    const r = await validate(write(dir, 'ok.yaml', VALID));
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^OK corte v1 sha256 [0-9a-f]{64}: 1 fase, 2 pasos \(1 comando que necesita aprobación\)\n$/);
    const english = await validate(write(dir, 'ok-en.yaml', VALID.replace('language: es', 'language: en')));
    expect(english.stdout).toMatch(/^OK corte v1 sha256 [0-9a-f]{64}: 1 phase, 2 steps \(1 command needing approval\)\n$/);
  });
});
