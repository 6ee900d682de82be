// Parameters, captured values and conditions are checked when the runbook loads, before any run
// starts: each problem is an error at the line and column of the field that holds it.
import { describe, expect, it } from 'vitest';
import { loadRunbook, RunbookError } from '../../src/core/runbook';

function head(body: string): string {
  return `format: cutover-runbook/v1
id: refs
title: References
version: "1"
params:
  domain: { rehearsal: cartera, production: pagos, description: the business domain }
  source_like: "%assets_1%"
targets:
  ws: { kind: local }
  db: { kind: postgres, dsn: "postgresql://postgres@127.0.0.1:5432/x" }
phases:
  - id: P1
    title: One
    steps:
${body}`;
}

function issuesOf(text: string): Array<{ line: number; column: number; message: string; severity: string }> {
  try {
    const loaded = loadRunbook(text, 'refs.yaml');
    return [];
    void loaded;
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    return error.issues.map((i) => ({ line: i.line, column: i.column, message: i.message, severity: i.severity }));
  }
}

describe('references in a runbook are checked at load time', () => {
  it('accepts params, captured values used later, conditions and comparisons', () => {
    const loaded = loadRunbook(head(`      - id: start
        kind: check
        title: Start
        target: ws
        read_only: true
        run: "echo '{\\"job_id\\": \\"j-1\\"}'"
        capture: { job_id: { json: "$.job_id" }, n: { pattern: "n=(\\\\d+)", as: number } }
        expect: [ { that: "\${value:start.n} >= 0 || true", label: own value } ]
      - id: count
        kind: check
        title: Count
        target: db
        sql: "select count(*) from t where source_id like \${param:source_like} and job = \${value:start.job_id}"
        capture: { total: { column: 1 } }
        when: "\${param:domain} == 'cartera'"
      - id: drill
        kind: command
        title: Restore drill
        target: ws
        environments: [rehearsal]
        run: "echo \${value:start.job_id}"
        env: { DOMAIN: "\${param:domain}" }
`), 'refs.yaml');
    expect(Object.keys(loaded.runbook.params)).toEqual(['domain', 'source_like']);
  });

  it('an unknown parameter, at its line and column', () => {
    const issues = issuesOf(head(`      - { id: a, kind: command, title: A, target: ws, run: "echo \${param:nope}" }
`));
    expect(issues).toContainEqual(expect.objectContaining({ severity: 'error', line: 15, column: 60, message: expect.stringMatching(/\$\{param:nope\}.*does not declare.*declared: domain, source_like/) }));
  });

  it('a value of an unknown step, a value the step does not capture, and one used before it is captured', () => {
    const issues = issuesOf(head(`      - { id: a, kind: command, title: A, target: ws, run: "echo \${value:ghost.x}" }
      - { id: b, kind: command, title: B, target: ws, run: "echo \${value:c.job}" }
      - { id: c, kind: check, title: C, target: ws, read_only: true, run: "echo x", capture: { job: { pattern: "(x)" } } }
      - { id: d, kind: command, title: D, target: ws, run: "echo \${value:c.other}" }
`));
    expect(issues).toContainEqual(expect.objectContaining({ line: 15, message: expect.stringMatching(/names step `ghost`, which the runbook does not have/) }));
    expect(issues).toContainEqual(expect.objectContaining({ line: 16, column: 60, message: expect.stringMatching(/used before step `c` captures it/) }));
    expect(issues).toContainEqual(expect.objectContaining({ line: 18, message: expect.stringMatching(/step `c` captures no value `other` \(it has job\)/) }));
  });

  it('an expression that does not parse, or names something unknown; a when may not use its own step\'s values', () => {
    const issues = issuesOf(head(`      - { id: a, kind: manual, title: A, instructions: Do it, when: "\${param:domain} ==" }
      - { id: b, kind: manual, title: B, instructions: Do it, when: "domain == 'cartera'" }
      - { id: c, kind: check, title: C, target: ws, read_only: true, run: "echo 1", capture: { v: { pattern: "(1)" } }, when: "\${value:c.v} == '1'" }
`));
    expect(issues).toContainEqual(expect.objectContaining({ line: 15, column: 69, message: expect.stringMatching(/does not parse/) }));
    expect(issues).toContainEqual(expect.objectContaining({ line: 16, message: expect.stringMatching(/names `domain`, which is not a value it knows/) }));
    expect(issues).toContainEqual(expect.objectContaining({ line: 17, message: expect.stringMatching(/used before step `c` captures it/) }));
  });

  it('a JSON path that does not parse and a capture pattern RE2 refuses', () => {
    const issues = issuesOf(head(`      - id: a
        kind: check
        title: A
        target: ws
        read_only: true
        run: "echo {}"
        capture:
          bad: { json: "$..x" }
          worse: { pattern: "(?<=a)b" }
`));
    expect(issues).toContainEqual(expect.objectContaining({ line: 22, column: 24, message: expect.stringMatching(/JSON path "\$\.\.x" does not parse/) }));
    expect(issues).toContainEqual(expect.objectContaining({ line: 23, column: 29, message: expect.stringMatching(/does not compile.*RE2/) }));
  });

  it('a reference inside quotes in SQL is refused (it would be text, not a bound value)', () => {
    const issues = issuesOf(head(`      - { id: a, kind: check, title: A, target: db, sql: "select 1 where x like '%\${param:source_like}%'" }
`));
    expect(issues).toContainEqual(expect.objectContaining({ line: 15, message: expect.stringMatching(/inside quotes: in SQL a reference is a bound parameter/) }));
  });

  it('a captured value cannot reach a target (targets are fixed when the run starts); an unused param is a warning', () => {
    const text = head(`      - { id: a, kind: manual, title: A, instructions: "Do it \${param:domain}" }
`).replace('ws: { kind: local }', 'ws: { kind: local, cwd: "${value:a.x}" }');
    const issues = issuesOf(text);
    expect(issues).toContainEqual(expect.objectContaining({ severity: 'error', line: 9, message: expect.stringMatching(/cannot be used here/) }));
    expect(issues).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/parameter `source_like` is declared but nothing uses it/) }));
  });
});
