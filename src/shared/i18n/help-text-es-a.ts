// Parte A de help-text-es.ts (véase allí).
export const helpTextEsCommandsA: Readonly<Record<string, string>> = {
};
