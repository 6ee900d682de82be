import { userInfo } from 'node:os';

/** Who the CLI acts as when --actor is not given. */
export function defaultActor(): string {
  return process.env.CUTOVER_ACTOR || userInfo().username || 'operator';
}
