// Parte B de help-text-es.ts (véase allí).
export const helpTextEsCommandsB: Readonly<Record<string, string>> = {
};
