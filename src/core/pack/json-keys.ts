// A JSON object that names a key twice has two meanings: JSON.parse keeps the last, a reader that
// scans the text (VERIFY.txt's sh steps) may take the first. A verdict must have one meaning.

/** The first key named twice in the same object of this JSON text, or null. The text is assumed to parse. */
export function duplicateKey(text: string): string | null {
  const objects: Array<Set<string> | null> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') objects.push(new Set());
    else if (c === '[') objects.push(null);
    else if (c === '}' || c === ']') objects.pop();
    else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      i = j;
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      const keys = objects.at(-1);
      if (text[k] === ':' && keys) {
        const key = JSON.parse(raw) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
    }
  }
  return null;
}
