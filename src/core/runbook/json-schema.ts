// The runbook format as JSON Schema (draft 2020-12), generated from the zod schema, for
// editors (e.g. the YAML language server: `# yaml-language-server: $schema=runbook.schema.json`)
// and for anyone checking a runbook without this program. `cutover runbook schema` prints it.
// It describes the input as written: fields with defaults are optional. The cross-references
// (a step's target must be declared, ids unique, ...) are checked by validate.ts, not here.
import { z } from 'zod';
import { runbookSchema } from './schema';

export const RUNBOOK_SCHEMA_ID = 'urn:cutover-workstation:schema:cutover-runbook/v1';

/** Hover text for the top-level keys, where editors show it most. */
const DESCRIPTIONS: Record<string, string> = {
  format: 'Always "cutover-runbook/v1".',
  id: 'A stable id for this runbook (letters, digits, _ . -).',
  title: 'What this cutover does, in a line.',
  version: 'The runbook\'s version. Quote it ("1.10") to keep it as written.',
  language: 'The language of the evidence the core writes for this runbook\'s runs (decision PDF, VERIFY.txt, incident report, broadcasts, CLI output): en (default) or es.',
  share_transcripts: 'Whether step transcripts follow through the team ledger by chunk (already redacted) for followers to read live: true (default) or false (only their hash and size are published).',
  roles: 'Who takes part: operator, approver, observer, with a minimum count each.',
  policy: 'Approval policy: how many approver signatures a command step needs, and which role(s) decide (rollback, stop, retry, the formal decision).',
  targets: 'Named targets steps run against: postgres (DSN without password; check_login names the read-only login SQL checks use), ssh (host, pinned host key) or local.',
  secrets: 'Named secrets (passwords), entered into the vault, never written here.',
  env: 'Environment variables for every shell step (no passwords: use secret_env on the step).',
  preconditions: 'Attestations and records required before the first mutating command.',
  phases: 'The phases of the cutover, in order, each with its steps.',
  rollback: 'Rollback or containment: triggers, instructions and steps.',
  evidence_pack: 'Evidence files the final decision requires; each must be produced by some step.',
  decision: 'The formal decision made after the run (governance or GO/NO-GO).',
};

export function runbookJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(runbookSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema: _drop, ...rest } = generated;
  const properties = rest.properties as Record<string, Record<string, unknown>> | undefined;
  if (properties) for (const [key, description] of Object.entries(DESCRIPTIONS)) if (properties[key]) properties[key] = { description, ...properties[key] };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: RUNBOOK_SCHEMA_ID,
    title: 'Cutover Workstation runbook (cutover-runbook/v1)',
    description: 'A production cutover runbook: targets, preconditions, phases of attest/record/check/command/manual/monitor steps with gates, rollback, evidence pack and decision.',
    ...rest,
  };
}
