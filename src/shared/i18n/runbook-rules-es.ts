// Los errores de validación del runbook y sus comprobaciones de valores y umbrales, en español:
// las mismas claves que runbook-rules-en.ts (el compilador rechaza una clave que falte o sobre).
import type { RunbookRulesCatalogue } from './runbook-rules-en';

export const runbookRulesEs: RunbookRulesCatalogue = {
};
