// The renderer's only way out: the typed client over window.cutover.
import type { Client } from '../../shared/contract';
import { createClient } from '../../shared/client';
import { ContractError } from '../../shared/result';

export const api: Client | null = window.cutover ? createClient(window.cutover) : null;

export function errorCode(error: unknown): string {
  return error instanceof ContractError ? error.code : 'INTERNAL';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
