// The renderer's only way out: the typed client over window.cutover, and its pushes.
import type { Client } from '../../shared/contract';
import { createClient } from '../../shared/client';
import type { Subscribe } from '../../shared/push';
import { ContractError } from '../../shared/result';

export const api: Client | null = window.cutover ? createClient(window.cutover) : null;

/** Messages from main (step output, run changes, host keys to confirm). */
export const subscribe: Subscribe | null = window.cutover?.subscribe ?? null;

export function errorCode(error: unknown): string {
  return error instanceof ContractError ? error.code : 'INTERNAL';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
