// Messages main pushes to the renderer without being asked: live step output, "a run
// changed, fetch it again", and host keys waiting for a person's confirmation. In Electron they
// travel on the one allow-listed channel PUSH_CHANNEL; in the test harness, as server-sent
// events from the same origin. Either way the renderer sees the same objects.
import type { WarRoomState } from './views-war-room';

/** The only main→renderer IPC channel (the contract's prefix plus "push"). */
export const PUSH_CHANNEL = 'cutover:push';

export interface OutputPush {
  type: 'output';
  runId: string;
  stepId: string;
  /** Byte offset of `data` in the step's transcript: a gap or overlap is visible to the receiver. */
  offset: number;
  /** Base64 of exactly the bytes the vault stored (already redacted). */
  data: string;
}

export interface RunChangedPush {
  type: 'run';
  runId: string;
  stepId: string | null;
  /** What happened: a step started or ended, or something else changed the run. */
  reason: 'step.started' | 'step.finished' | 'changed';
  /** Set when running a step failed for a reason outside the step (the vault locked, a bug). */
  error?: { name: string; code: string; message: string };
}

export interface HostKeyPush {
  type: 'hostKey';
  requestId: string;
  /** Target name, and where it points (user@host:port). */
  target: string;
  address: string;
  /** "SHA256:…" as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** Why it is being asked: a connection test or a run's step. */
  context: { kind: 'test' } | { kind: 'run'; runId: string; stepId: string };
  /** ISO time after which an unanswered request is refused. */
  expiresAt: string;
}

export interface HostKeyClosedPush {
  type: 'hostKeyClosed';
  requestId: string;
  accepted: boolean;
}

/** The War room's follower read something new from the team ledger (or lost / regained it): ask for the view again. */
export interface WarRoomPush {
  type: 'warRoom';
  state: WarRoomState;
  /** Tamper findings so far. */
  problems: number;
}

/** The War room read new chunks of a transcript the window follows (or its state changed): ask for it again. */
export interface WarRoomTranscriptPush {
  type: 'warRoomTranscript';
  workstation: string;
  artifactId: string;
}

export type PushMessage = OutputPush | RunChangedPush | HostKeyPush | HostKeyClosedPush | WarRoomPush | WarRoomTranscriptPush;

export type PushListener = (message: PushMessage) => void;

/** Subscribes to pushes; returns the function that unsubscribes. */
export type Subscribe = (listener: PushListener) => () => void;

const TYPES = new Set(['output', 'run', 'hostKey', 'hostKeyClosed', 'warRoom', 'warRoomTranscript']);

/** A cheap shape check for what arrives over a transport (the preload and the harness bridge use it). */
export function isPushMessage(value: unknown): value is PushMessage {
  return typeof value === 'object' && value !== null && TYPES.has((value as { type?: unknown }).type as string);
}
