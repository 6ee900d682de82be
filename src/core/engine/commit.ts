// Taking an act: drafted for the person who does it and signed with their key if usable here,
// then checked (signature, standing, role, the run's state) and applied in one IMMEDIATE
// transaction. What is refused leaves the chain as it was.
import { chainContext, draftAct, inWriteTransaction, signHere, type ActRequest } from '../acts/context';
import { ActRefusedError, parseAct, type SignedAct } from '../acts/document';
import { roleRefusal } from '../acts/rules';
import { verifyAct, type VerifiedAct } from '../acts/verify';
import type { Step } from '../runbook/schema';
import type { Lang } from '../../shared/i18n';
import type { EngineContext } from './context';
import { recover } from './recover';
import { languageOfAct, languageOfRun } from './run-language';
import { findStep } from './run-reading';
import type { RunState } from './types';

/** Drafts an act for `by`, signs it with their key if usable here. */
export async function signed(ctx: EngineContext, request: ActRequest, by = ctx.options.actor, lang?: Lang): Promise<SignedAct> {
  const words = lang ?? (request.kind === 'run.start' ? ctx.options.language : languageOfRun(ctx, request.runId));
  return signHere(ctx.vault, draftAct(ctx.vault, request, by, words), ctx.options.keyring, words);
}

/**
 * Checks a signed act and applies it in one IMMEDIATE transaction: interrupted steps are
 * recovered first, then the act's signature and standing, its person's role, and the run's
 * state; `apply` appends. Anything thrown leaves the chain as it was.
 */
export function commit<T>(ctx: EngineContext, signed: SignedAct, apply: (act: VerifiedAct, state: RunState, step: Step | undefined, phaseId: string | undefined) => T, precheck?: (state: RunState) => void): T {
  return inWriteTransaction(ctx.vault, () => {
    // What the run's state refuses is said first: two processes that drafted the same act
    // (same head, same attempt) hear "already running", not "already in the chain".
    if (precheck) precheck(recover(ctx, parseAct(signed.text, languageOfAct(ctx, signed.text)).run));
    const act = verifyAct(signed, chainContext(ctx.vault), languageOfAct(ctx, signed.text));
    const state = act.doc.act === 'run.start' ? null : recover(ctx, act.doc.run);
    if (!state) return apply(act, null as unknown as RunState, undefined, undefined);
    const found = act.doc.step ? findStep(state, act.doc.step) : undefined;
    const role = roleRefusal(act.doc.act, state, found?.step, act.identity);
    if (role) throw new ActRefusedError(role);
    return apply(act, state, found?.step, found?.phaseId);
  });
}
