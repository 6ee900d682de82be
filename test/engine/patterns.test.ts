// Runbook patterns run in RE2 (linear time): flags and a leading (?i) work, constructs RE2 lacks
// are refused at validation with their line and column, and the pattern that freezes a
// backtracking engine (`^(a+)+$` on 35 a's and a "!") lets a real local step finish.
import { describe, expect, it } from 'vitest';
import { loadRunbook, RunbookError } from '../../src/core/runbook';
import { patternProblem, withStoredPatterns } from '../../src/core/runbook/patterns';
import { useEngineFixture } from './setup';

function runbook(steps: string): string {
  return `
format: cutover-runbook/v1
id: patterns
title: Patterns
version: "1"
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Checks
    steps:
${steps}
`;
}

const check = (id: string, run: string, gates: string) => `      - id: ${id}
        kind: check
        title: ${id}
        target: ws
        run: "${run}"
        read_only: true
${gates}`;

function refusal(text: string): { message: string; line: number; column: number } {
  try {
    loadRunbook(text, 'patterns.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(RunbookError);
    const issue = (error as RunbookError).errors[0]!;
    return { message: issue.message, line: issue.line, column: issue.column };
  }
  throw new Error('the runbook loaded');
}

/** 1-based line and column of `needle` in `text`. */
function at(text: string, needle: string): { line: number; column: number } {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

describe('runbook patterns (RE2)', () => {
  it('the catastrophic pattern ^(a+)+$ against 35 a\'s and a "!" does not freeze the step: it finishes and the gates are judged', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const text = runbook(check('redos', "printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\\\\n'", `        expect: [ { exit_code: 0 }, { output_matches: '^a+!$' } ]
        abort_on: [ { pattern: '^(a+)+$', label: catastrophic in a backtracking engine } ]`));
    const run = await op.startRun({ text, source: 'patterns.yaml', environment: 'rehearsal' });
    const outcome = await op.executeStep(run.runId, 'redos');
    expect(outcome.status).toBe('PASS');
    expect(outcome.gates.filter((g) => g.kind === 'abort')).toEqual([]);
    expect(outcome.gates.find((g) => g.check?.type === 'output_matches')).toMatchObject({ passed: true, detail: `matched: ${'a'.repeat(35)}!` });
  });

  it('(?i) at the start and flags: i ignore case on output_matches, value patterns and abort gates', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const text = runbook([
      check('inline', "echo 'Status: READY'", "        expect: [ { output_matches: '(?i)status: ready' } ]"),
      check('flags', "echo 'Current Revision: ABC123'", "        expect: [ { output_matches: 'current revision', flags: i }, { value: { pattern: 'revision: (\\w+)', flags: i, equals: ABC123 } } ]"),
      check('abort', "echo 'FATAL: disk full'", "        abort_on: [ { pattern: 'fatal:', flags: i } ]"),
    ].join('\n'));
    const run = await op.startRun({ text, source: 'patterns.yaml', environment: 'rehearsal' });
    expect((await op.executeStep(run.runId, 'inline')).status).toBe('PASS');
    const flags = await op.executeStep(run.runId, 'flags');
    expect(flags.status).toBe('PASS');
    expect(flags.gates.find((g) => g.check?.type === 'value')).toMatchObject({ passed: true, detail: 'value ABC123' });
    const abort = await op.executeStep(run.runId, 'abort');
    expect(abort.status).toBe('FAIL');
    expect(abort.gates.find((g) => g.kind === 'abort')).toMatchObject({ detail: 'matched: FATAL: disk full' });
  });

  it('without the flag, case matters (the flag is what made the difference)', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(check('plain', "echo 'Status: READY'", "        expect: [ { output_matches: 'status: ready' } ]")), source: 'patterns.yaml', environment: 'rehearsal' });
    expect((await op.executeStep(run.runId, 'plain')).status).toBe('FAIL');
  });

  it('an abort gate with unless: "a line like X but not Y", the lookahead RE2 does not have', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const gate = "        abort_on: [ { pattern: '^\\w+ \\(head\\)', unless: '^70a79686336c \\(head\\)', label: a second head } ]";
    const text = runbook([
      check('one-head', "echo '70a79686336c (head)'", gate),
      check('two-heads', "echo '70a79686336c (head)'; echo '1234abcd5678 (head)'", gate),
    ].join('\n'));
    const run = await op.startRun({ text, source: 'patterns.yaml', environment: 'rehearsal' });
    expect((await op.executeStep(run.runId, 'one-head')).status).toBe('PASS');
    const two = await op.executeStep(run.runId, 'two-heads');
    expect(two.status).toBe('FAIL');
    expect(two.gates.find((g) => g.kind === 'abort')).toMatchObject({ detail: 'matched: 1234abcd5678 (head)' });
  });

  it('a record field pattern takes flags too', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const text = runbook("      - { id: snap, kind: record, title: Snapshot, fields: [ { name: id, label: Snapshot ID, pattern: '^snap-[0-9a-f]+$', flags: i } ] }");
    const run = await op.startRun({ text, source: 'patterns.yaml', environment: 'rehearsal' });
    await expect(op.record(run.runId, 'snap', { id: 'backup-1' })).rejects.toThrow(/does not match/);
    expect((await op.record(run.runId, 'snap', { id: 'SNAP-0A1B' })).status).toBe('PASS');
  });

  it('(?x) is refused at validation, at the pattern, saying which inline flags exist', () => {
    const text = runbook(check('x', 'echo hi', "        expect: [ { output_matches: '(?x) h i' } ]"));
    const r = refusal(text);
    expect(r.message).toMatch(/the inline group `\(\?x\)` is not supported: runbook patterns use RE2 syntax.*\(\?i\), \(\?m\) and \(\?s\)/);
    expect({ line: r.line, column: r.column }).toEqual(at(text, "'(?x) h i'"));
  });

  it('lookahead, lookbehind and backreferences are refused at validation, saying RE2 is used and why', () => {
    const look = runbook(check('la', 'echo hi', "        abort_on: [ { pattern: '^(?!70a79686336c )\\w+ \\(head\\)' } ]"));
    const r = refusal(look);
    expect(r.message).toMatch(/the lookahead `\(\?!` is not supported: runbook patterns use RE2 syntax, which matches in time linear in the output so that no pattern can freeze a step/);
    expect(r.message).toContain('`unless: Y`');
    expect({ line: r.line, column: r.column }).toEqual(at(look, "'^(?!70a"));
    expect(refusal(runbook(check('lb', 'echo hi', "        expect: [ { output_matches: '(?<=a)b' } ]"))).message).toMatch(/lookbehind `\(\?<=` is not supported/);
    expect(refusal(runbook(check('br', 'echo hi', "        expect: [ { output_matches: '(a)\\1' } ]"))).message).toMatch(/backreference `\\1` is not supported/);
    expect(refusal(runbook("      - { id: snap, kind: record, title: S, fields: [ { name: id, label: ID, pattern: '(?=x)' } ] }")).message).toMatch(/lookahead/);
  });

  it('bad flags are refused at validation', () => {
    expect(refusal(runbook(check('f', 'echo hi', "        expect: [ { output_matches: hi, flags: x } ]"))).message).toMatch(/unknown flag "x"/);
    expect(refusal(runbook(check('f', 'echo hi', "        expect: [ { output_matches: hi, flags: ii } ]"))).message).toMatch(/given twice/);
  });

  it('what RE2 accepts and what it does not, in words', () => {
    expect(patternProblem('^(a+)+$')).toBeNull();
    expect(patternProblem('(?i)x')).toBeNull();
    expect(patternProblem('(?P<rev>\\w+)')).toBeNull();
    expect(patternProblem('[(?=]')).toBeNull();
    expect(patternProblem('\\u0041')).toMatch(/write `\\x\{0041\}`/);
    expect(patternProblem('(?U)a')).toMatch(/inline group/);
    expect(patternProblem('(unclosed')).toMatch(/^not a valid regular expression \(missing closing \)/);
  });
});

describe('runs started before patterns moved to RE2', () => {
  it('a run whose stored runbook has a lookahead (valid JavaScript then) still folds, runs and reports; the same runbook is refused for a new run', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const text = runbook(check('heads', "echo '70a79686336c (head)'; echo '1234abcd5678 (head)'", "        abort_on: [ { pattern: '^(?!70a79686336c )\\w+ \\(head\\)', label: a second head } ]"));
    expect(() => loadRunbook(text, 'old.yaml')).toThrow(/lookahead/);
    // As an older version started it: the runbook stored in the vault was validated then.
    const run = await withStoredPatterns(() => op.startRun({ text, source: 'old.yaml', environment: 'rehearsal' }));
    expect(op.status(run.runId).steps.get('heads')!.status).toBe('pending');
    const outcome = await op.executeStep(run.runId, 'heads');
    expect(outcome.status).toBe('FAIL');
    expect(outcome.gates.find((g) => g.kind === 'abort')).toMatchObject({ detail: 'matched: 1234abcd5678 (head)' });
    await expect(op.startRun({ text, source: 'old.yaml', environment: 'rehearsal' })).rejects.toThrow(/lookahead/);
  });
});
