// What the automatic receive says it waits for, in the run's language: a Spanish run's quorum
// reason (the engine's, in Spanish) inside a Spanish sentence, not an English one; English as before.
import { describe, expect, it } from 'vitest';
import { needText } from '../../src/core/ledger/auto-receive';
import { useEngineFixture } from '../engine/setup';
import { found } from './language-sentences';

const runbook = (language: string) => `
format: cutover-runbook/v1
id: espera
title: Espera
version: "1"
${language}
targets: { ws: { kind: local } }
phases:
  - id: P1
    title: Uno
    steps:
      - { id: migrar, kind: command, title: Migrar, target: ws, run: "echo ok" }
`;

describe('the inbox\'s words in the run\'s language', () => {
  it('a Spanish run waits for approvals in Spanish, with the engine\'s reason; English as before', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const need = async (language: string) => {
      const { runId } = await op.startRun({ text: runbook(language), source: 'e.yaml', environment: 'rehearsal' });
      const auth = op.authorization(runId, 'migrar')!;
      expect(auth.authorized).toBe(false);
      return { runId, stepId: 'migrar', kind: 'approval' as const, detail: auth.reason! };
    };
    const es = await need('language: es');
    const en = await need('');
    const textEs = needText(es, 'es');
    expect(textEs).toMatch(/^las aprobaciones del plan antes de migrar \(.+\)$/);
    expect(needText({ ...es, kind: 'act', detail: 'approver' }, 'es')).toBe('el acto firmado del rol approver para migrar');
    expect(needText({ kind: 'authorization', runId: es.runId }, 'es')).toBe('el GO / NO-GO: la decisión formal, firmada por el rol que decide');
    expect(found(textEs, 'en')).toEqual([]);
    expect(needText(en)).toMatch(/^approvals of the plan before migrar \(.+\)$/);
    expect(needText({ ...en, kind: 'decision' })).toBe('a decision on the BLOCKED run (retry, rollback or stop) from a deciding role');
    expect(found(needText(en), 'es')).toEqual([]);
  });
});
