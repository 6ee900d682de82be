import type { Bridge } from '../../shared/contract';

declare global {
  interface Window {
    /** The contract's functions, exposed by the preload (or the test harness's bridge). */
    readonly cutover?: Bridge;
  }
}

export {};
