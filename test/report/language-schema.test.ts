// A runbook's `language:` and its steps' `broadcast:` checkpoints: read by the loader, refused
// with a message naming what is allowed, exported in the JSON Schema; declared checkpoints
// replace the guesses from English words, and a runbook that declares none keeps them.
import { describe, expect, it } from 'vitest';
import { loadRunbook, RunbookError, runbookJsonSchema } from '../../src/core/runbook';
import { broadcasts } from '../../src/core/reports/broadcasts';
import { deriveDecision } from '../../src/core/reports/decision';
import { spanishGoLive } from './language-model';

const runbook = (top: string, broadcast: string) => `
format: cutover-runbook/v1
id: idioma
title: Corte con respaldo
version: "1"
${top}
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Respaldo
    steps:
      - { id: respaldo, kind: record, title: Respaldo tomado, fields: [ { name: id_respaldo, label: ID del respaldo } ]${broadcast} }
`;

describe('language and broadcast in the runbook', () => {
  it('reads language: es and broadcast: backup; without them, neither is set', () => {
    const { runbook: rb } = loadRunbook(runbook('language: es', ', broadcast: backup'));
    expect(rb.language).toBe('es');
    expect(rb.phases[0]!.steps[0]!.broadcast).toBe('backup');
    const plain = loadRunbook(runbook('', '')).runbook;
    expect(plain.language).toBeUndefined();
    expect(plain.phases[0]!.steps[0]!.broadcast).toBeUndefined();
  });

  it('refuses an unknown language or checkpoint, naming the ones allowed', () => {
    const refusal = (text: string) => {
      try {
        loadRunbook(text);
      } catch (error) {
        expect(error).toBeInstanceOf(RunbookError);
        return (error as Error).message;
      }
      throw new Error('loaded');
    };
    expect(refusal(runbook('language: fr', ''))).toContain('`language` must be one of "en", "es", not text "fr"');
    expect(refusal(runbook('', ', broadcast: respaldo'))).toContain('`broadcast` must be one of "preflight", "window", "backup", "deploy", "smoke", "canary", not text "respaldo"');
  });

  it('exports both in the JSON Schema', () => {
    const schema = runbookJsonSchema() as { properties: Record<string, { enum?: string[]; description?: string }> };
    expect(schema.properties.language).toMatchObject({ enum: ['en', 'es'] });
    expect(JSON.stringify(schema)).toContain('"broadcast":{"description":');
    expect(JSON.stringify(schema)).toContain('"enum":["preflight","window","backup","deploy","smoke","canary"]');
  });
});

describe('declared broadcast checkpoints', () => {
  it('fire on the steps that declare them, whatever their titles say', () => {
    const model = spanishGoLive({ declared: true });
    const list = broadcasts(model, deriveDecision(model));
    expect(list.map((b) => b.kind)).toEqual(['cutover-start', 'preflight', 'backup', 'deploy-smoke', 'canary', 'decision']);
    expect(list.find((b) => b.kind === 'backup')!.steps).toEqual(['respaldo-bd']);
    expect(list.find((b) => b.kind === 'canary')!.steps).toEqual(['canario']);
    expect(list.find((b) => b.kind === 'deploy-smoke')!.steps).toEqual(['desplegar', 'humo']);
    expect(list.find((b) => b.kind === 'cutover-start')!.text).toContain('Maintenance window active.');
  });

  it('a canary that declares itself and fails says Canary FAIL = NO-GO', () => {
    const model = spanishGoLive({ declared: true, canary: 'FAIL' });
    const canary = broadcasts(model, deriveDecision(model)).find((b) => b.kind === 'canary');
    expect(canary?.text).toMatch(/^Canary FAIL: canario FAIL: .*Canary FAIL = NO-GO\.$/);
  });

  it('without declarations the built-in English guesses stay: Spanish titles find no backup, canary or window', () => {
    const model = spanishGoLive({ declared: false });
    const list = broadcasts(model, deriveDecision(model));
    expect(list.map((b) => b.kind)).toEqual(['cutover-start', 'preflight', 'deploy-smoke', 'decision']);
    // The monitor after the deploy is a post-check by structure, as today.
    expect(list.find((b) => b.kind === 'deploy-smoke')!.steps).toEqual(['desplegar', 'humo', 'canario']);
    expect(list[0]!.text).not.toContain('Maintenance window active.');
  });

  it('once one step declares a checkpoint, English words in other titles no longer count', () => {
    const model = spanishGoLive({ declared: false });
    model.steps = model.steps.map((s) => (s.stepId === 'canario' ? { ...s, title: 'Canary money loop' } : s.stepId === 'respaldo-bd' ? { ...s, title: 'DB snapshot taken' } : s.stepId === 'humo' ? { ...s, broadcast: 'smoke' } : s));
    const guessed = broadcasts({ ...model, steps: model.steps.map(({ broadcast: _b, ...s }) => s) }, deriveDecision(model)).map((b) => b.kind);
    expect(guessed).toEqual(['cutover-start', 'preflight', 'backup', 'deploy-smoke', 'canary', 'decision']);
    const declared = broadcasts(model, deriveDecision(model));
    expect(declared.map((b) => b.kind)).toEqual(['cutover-start', 'preflight', 'deploy-smoke', 'decision']);
    expect(declared.find((b) => b.kind === 'deploy-smoke')!.steps).toEqual(['desplegar', 'humo']);
  });
});
