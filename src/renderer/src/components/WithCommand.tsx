/** `text` with `command`, as code, where it says {command}. */
export function WithCommand({ text, command }: { text: string; command: string }) {
  const [before, after] = text.split('{command}');
  return (
    <>
      {before}
      <code>{command}</code>
      {after}
    </>
  );
}
