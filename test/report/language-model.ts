// A run snapshot written by hand, as buildPackModel would give it, for the language tests:
// a go-live style run whose step titles are in Spanish (respaldo, canario), so what the
// broadcasts find from declarations and what they would guess from English words can be told apart.
import type { PackModel, PackStep } from '../../src/core/reports/pack-model';

export const at = (min: number) => new Date(Date.UTC(2026, 2, 1, 22, 0) + min * 60_000).toISOString();

export function packStep(phaseId: string, phaseTitle: string, stepId: string, kind: string, title: string, min: number, extra: Partial<PackStep> = {}): PackStep {
  const runs = kind === 'check' || kind === 'command' || kind === 'monitor';
  return {
    phaseId, phaseTitle, at: null, stepId, kind, title, status: 'PASS', actor: 'dba', startedAt: runs ? at(min - 1) : null, finishedAt: at(min),
    target: null, command: null, readOnly: null, exitCode: kind === 'check' || kind === 'command' ? 0 : null, failure: null, gates: [],
    evidence: { artifactId: stepId, name: `${stepId}.log`, sha256: 'a'.repeat(64), size: 100 }, values: null, statement: null, ...extra,
  };
}

/** Respaldo (a record of the snapshot), despliegue, verificación, canario; with or without `broadcast:` declared. */
export function spanishGoLive(options: { declared: boolean; canary?: 'PASS' | 'FAIL'; language?: 'en' | 'es' }): PackModel {
  const b = (checkpoint: PackStep['broadcast']) => (options.declared ? { broadcast: checkpoint } : {});
  const canaryFail = options.canary === 'FAIL';
  const steps: PackStep[] = [
    packStep('preconditions', 'Precondiciones', 'pre-ventana', 'attest', 'Ventana de mantenimiento activa', 1, { statement: 'La ventana de mantenimiento está activa.', ...b('window') }),
    packStep('previo', 'Verificación previa', 'verificar-entorno', 'check', 'Verificar el entorno de producción', 2),
    packStep('respaldo', 'Respaldo', 'respaldo-bd', 'record', 'Respaldo de la base de datos tomado', 30, { values: { id_respaldo: 'snap-0a1b2c' }, ...b('backup') }),
    packStep('despliegue', 'Despliegue', 'desplegar', 'command', 'docker compose up -d', 45),
    packStep('despliegue', 'Despliegue', 'humo', 'check', 'Prueba de humo', 50, b('smoke')),
    packStep('canario', 'Ciclo canario', 'canario', 'monitor', 'Ciclo de dinero canario', 60, {
      ...b('canary'),
      ...(canaryFail ? { status: 'FAIL', gates: [{ gate: 'error_rate <= 0.01', kind: 'expect', passed: false, detail: 'error_rate = 0.2' }] } : {}),
    }),
  ];
  return {
    run: { runId: '11111111-2222-3333-4444-555555555555', status: canaryFail ? 'ROLLBACK' : 'ACTIVE', environment: 'production', operator: 'dba', startedAt: at(-1), blockedBy: canaryFail ? { stepId: 'canario', reason: 'expectation failed: error_rate <= 0.01' } : null, decisions: canaryFail ? [{ decision: 'rollback', reason: 'El canario falló', actor: 'ic', at: at(63) }] : [] },
    runbook: { id: 'salida', version: '7', title: 'Salida a producción', hash: 'b'.repeat(64), decisionTemplate: 'go-no-go', decisionTarget: null, rollbackTriggers: ['Fallo de la migración'], ...(options.language ? { language: options.language } : {}) },
    targets: [{ name: 'app', kind: 'postgres', address: 'postgresql://app@db.example:5432/app', hostKey: null }],
    steps,
    artifacts: steps.map((s) => ({ artifactId: s.stepId, path: `evidence/${s.evidence!.name}`, name: s.evidence!.name, mediaType: 'text/plain', sha256: s.evidence!.sha256!, size: 100, state: 'complete', stepId: s.stepId })),
    approvals: [],
    identities: [{ name: 'dba', roles: ['operator'], publicKey: 'ssh-ed25519 AAAA dba', fingerprint: 'SHA256:dba0000000000000000000000000000000000000000', keySource: 'file', keyPath: null, createdAt: at(-100) }],
    chainHead: { seq: 42, hash: 'c'.repeat(64) },
    exportedAt: at(64),
  };
}
