// Refusals in the runbook's language: a run's parameters when it starts (--param of the wrong
// type or unknown, a parameter with no value for the environment), an HTTP step's missing
// secrets, a signed plan or act whose bytes do not parse. Spanish for a Spanish runbook, English
// word for word as before; nothing is appended to the chain.
import { describe, expect, it } from 'vitest';
import { ACT_NAMESPACE } from '../../src/core/acts';
import { PLAN_NAMESPACE } from '../../src/core/engine';
import { sshsigSign } from '../../src/core/signing';
import { useEngineFixture } from '../engine/setup';
import { found } from './language-sentences';

const runbook = (language: string, params = 'params:\n  lote: 100\n  seco: true\n  destino: { production: prod-db }\n') => `
format: cutover-runbook/v1
id: parametros
title: Parametros
version: "1"
${language}
${params}
targets: { ws: { kind: local } }
phases:
  - id: P1
    title: Uno
    steps:
      - { id: hecho, kind: attest, title: Hecho, statement: Hecho }
`;

describe('parameter refusals in the runbook\'s language', () => {
  it('a Spanish runbook refuses its parameters in Spanish, an English one as before; the chain does not move', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const refused = async (language: string, params: Record<string, string>, message: string, text?: string) => {
      const head = fx.vault.head();
      const error = await op.startRun({ text: runbook(language, text), source: 'p.yaml', environment: 'rehearsal', params }).then(() => null, (e: Error) => e);
      expect(error?.message).toBe(message);
      expect(fx.vault.head()).toEqual(head);
      return message;
    };
    const es = [
      await refused('language: es', { lote: 'mucho', destino: 'x' }, '--param lote=mucho: lote es un número en el runbook (100); indique un número.'),
      await refused('language: es', { seco: 'si', destino: 'x' }, '--param seco=si: seco es true o false en el runbook; indique true o false.'),
      await refused('language: es', { otro: '1' }, '--param otro=…: el runbook no declara ningún parámetro "otro" (tiene lote, seco, destino).'),
      await refused('language: es', { otro: '1' }, '--param otro=…: el runbook no declara ningún parámetro "otro" (no declara ninguno).', ''),
      await refused('language: es', {}, 'El parámetro destino no tiene valor para una ejecución de ensayo: dalo con --param destino=VALOR (o añádele `rehearsal:` o `default:` en el runbook).'),
    ];
    const en = [
      await refused('', { lote: 'mucho', destino: 'x' }, '--param lote=mucho: lote is a number in the runbook (100); give a number.'),
      await refused('', { seco: 'si', destino: 'x' }, '--param seco=si: seco is true or false in the runbook; give true or false.'),
      await refused('', { otro: '1' }, '--param otro=…: the runbook declares no parameter "otro" (it has lote, seco, destino).'),
      await refused('', { otro: '1' }, '--param otro=…: the runbook declares no parameter "otro" (it declares none).', ''),
      await refused('', {}, 'Parameter destino has no value for a rehearsal run: give it with --param destino=VALUE (or add `rehearsal:` or `default:` to it in the runbook).'),
    ];
    expect(found(es.join('\n'), 'en')).toEqual([]);
    expect(found(en.join('\n'), 'es')).toEqual([]);
    // The window's language (the engine's option) words a runbook that names none.
    const window = fx.engine('op', { language: 'es' });
    await expect(window.startRun({ text: runbook(''), source: 'p.yaml', environment: 'rehearsal', params: { otro: '1' } })).rejects.toThrow('el runbook no declara ningún parámetro "otro"');
  });

  it('an HTTP step\'s missing secrets refused before it starts, in a Spanish run; English as before', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const text = (language: string) => `
format: cutover-runbook/v1
id: http-es
title: HTTP
version: "1"
${language}
targets:
  api: { kind: http, base_url: "http://127.0.0.1:9/api", auth: { bearer: tok } }
secrets:
  - name: tok
  - name: clave
phases:
  - id: P1
    title: Uno
    steps:
      - { id: salud, kind: http, title: Salud, target: api, request: { method: GET, path: /health }, expect: [ { status: 200 } ] }
      - { id: dos, kind: http, title: Dos, target: api, request: { method: GET, path: /x, headers: { X-Key: "\${secret:clave}" } }, expect: [ { status: 200 } ] }
`;
    const refusals = async (language: string) => {
      const { runId } = await op.startRun({ text: text(language), source: 'h.yaml', environment: 'rehearsal' });
      const out: string[] = [];
      for (const step of ['salud', 'dos']) {
        const head = fx.vault.head();
        const error = await op.executeStep(runId, step).then(() => null, (e: Error) => e);
        expect(fx.vault.head()).toEqual(head);
        out.push(error?.message ?? 'ran');
      }
      return out;
    };
    const es = await refusals('language: es');
    expect(es).toEqual([
      'El paso salud necesita el secreto "tok" para su petición; guárdalo con `cutover secret set --name tok`.',
      'El paso dos necesita los secretos "tok", "clave" para su petición; guárdalos con `cutover secret set --name tok`.',
    ]);
    expect(await refusals('')).toEqual([
      'Step salud needs the secret "tok" for its request; set it with `cutover secret set --name tok`.',
      'Step dos needs the secrets "tok", "clave" for its request; set them with `cutover secret set --name tok`.',
    ]);
    expect(found(es.join('\n'), 'en')).toEqual([]);
  });

  it('a signed plan that does not parse is refused in the run\'s language; English as before', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const refusals = async (language: string) => {
      const { runId } = await op.startRun({ text: runbook(language, ''), source: 'p.yaml', environment: 'rehearsal' });
      const real = op.exportPlan(runId).bytes.toString();
      const out: string[] = [];
      for (const text of [real.replace('"steps":[', '"steps":[],"steps":['), '{not json', JSON.stringify({ format: 'cutover-plan/v0' })]) {
        const bytes = Buffer.from(text);
        const signature = await sshsigSign(fx.signer('ap1'), bytes, PLAN_NAMESPACE);
        const head = fx.vault.head();
        try {
          op.importApproval(runId, bytes, signature);
          out.push('imported');
        } catch (error) {
          out.push((error as Error).message);
        }
        expect(fx.vault.head()).toEqual(head);
      }
      return out;
    };
    const es = await refusals('language: es');
    expect(es).toEqual([
      'Rechazado: los bytes del plan firmado no son su forma canónica (una clave duplicada, otro espaciado u otro orden de claves), así que lo firmado no es lo que se leería; firme exactamente el archivo que escribió `cutover plan export`.',
      'Rechazado: el plan firmado no es JSON.',
      'Rechazado: el formato del plan firmado es "cutover-plan/v0", no uno que esta versión lea (cutover-plan/v3).',
    ]);
    expect(await refusals('')).toEqual([
      'Refused: the signed plan\'s bytes are not its canonical form (a duplicate key, other spacing or key order), so what was signed is not what would be read; sign the exact file `cutover plan export` wrote.',
      'Refused: the signed plan is not JSON.',
      'Refused: the signed plan\'s format is "cutover-plan/v0", not one this version reads (cutover-plan/v3).',
    ]);
    expect(found(es.join('\n'), 'en')).toEqual([]);
  });

  it('a signed act whose bytes do not parse is refused in its run\'s language (else the engine\'s); English as before', async () => {
    const fx = await useEngineFixture();
    const refusals = async (language: string, engineLang?: 'es') => {
      const op = fx.engine('op', engineLang ? { language: engineLang } : {});
      const { runId } = await op.startRun({ text: runbook(language, ''), source: 'p.yaml', environment: 'rehearsal' });
      const { bytes } = op.exportAct(runId, 'op', { kind: 'step.attest', stepId: 'hecho' });
      const pretty = JSON.stringify(JSON.parse(bytes.toString()), null, 2);
      const out: string[] = [];
      for (const text of [pretty, JSON.stringify({ run: runId, act: 'step.attest' }), '{not json']) {
        const signature = await sshsigSign(fx.signer('op'), Buffer.from(text), ACT_NAMESPACE);
        const head = fx.vault.head();
        out.push(await op.importAct({ text, signature }).then(() => 'imported', (e: Error) => e.message));
        expect(fx.vault.head()).toEqual(head);
      }
      return out;
    };
    const es = await refusals('language: es');
    expect(es[0]).toBe('Los bytes del acto no son su forma canónica (una clave duplicada, otro espaciado u otro orden de claves): lo firmado no sería lo que se lee. Firme exactamente el archivo que escribió `cutover act export`, sin cambiarlo.');
    expect(es[1]).toMatch(/^El acto no es un documento cutover-act\/v\d+: /);
    // Not JSON: no run to read a language from, so the engine's (here English).
    expect(es[2]).toBe('The act is not JSON. Sign the exact file `cutover act export` wrote.');
    expect((await refusals('', 'es'))[2]).toBe('El acto no es JSON. Firme exactamente el archivo que escribió `cutover act export`.');
    const en = await refusals('');
    expect(en[0]).toBe('The act\'s bytes are not its canonical form (a duplicate key, other spacing or key order): what was signed would not be what is read. Sign the exact file `cutover act export` wrote, unchanged.');
    expect(en[1]).toMatch(/^The act is not a cutover-act\/v\d+ document: /);
    expect(found(es.slice(0, 2).join('\n'), 'en')).toEqual([]);
  });
});
