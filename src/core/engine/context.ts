// What every part of the run engine works with: the vault it appends to, the options it was
// made with (who acts, their keys, the clock, the asker's language), and the shapes its parts
// hand each other.
import type { Keyring } from '../signing';
import type { Lang } from '../../shared/i18n';
import type { Vault } from '../vault';
import type { ExecResult } from '../targets/types';
import type { ExecutionOptions } from './execute';
import type { GateResult } from './gates';
import type { StepState, TranscriptRef } from './types';

export interface EngineOptions extends ExecutionOptions {
  /** Who is acting (an identity name); their key must be in the keyring to act here. */
  actor: string;
  /** The keys usable at this workstation this session. */
  keyring?: Keyring;
  /** The clock schedules (repeat:) are judged by; default Date.now. */
  now?: () => number;
  /** The language refusals are worded in where the run's runbook names none (the window's); default English. */
  language?: Lang;
}

/** The vault and options one engine acts with. */
export interface EngineContext {
  readonly vault: Vault;
  readonly options: EngineOptions;
}

export interface StepOutcome {
  stepId: string;
  status: StepState['status'];
  exitCode: number | null;
  failure: ExecResult['failure'] | null;
  gates: GateResult[];
  transcript: TranscriptRef;
  blocked: boolean;
}

export function transcriptOf(info: { id: string; name: string; sha256: string | null; size: number }): TranscriptRef {
  return { artifactId: info.id, name: info.name, sha256: info.sha256, size: info.size };
}
