// The exported JSON Schema: well-formed, identified, and it accepts the examples and refuses
// what the loader refuses structurally. No JSON Schema library is a dependency, so a small
// validator for the keywords the generated schema uses is written here (it fails loudly on
// any keyword it does not know, so a schema change cannot silently go unchecked).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { RUNBOOK_SCHEMA_ID, runbookJsonSchema } from '../../src/core/runbook';

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', 'format', 'examples']);
const KNOWN = new Set([...ANNOTATIONS, 'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'enum', 'const', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'items', 'minItems', 'maxItems', 'anyOf', 'oneOf', 'allOf']);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The errors of `value` against `schema` ("" when it validates). */
function validate(schema: Schema, value: unknown, path = '$'): string[] {
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) throw new Error(`the test validator does not know the keyword ${key} (at ${path})`);
  const errors: string[] = [];
  const t = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((ty) => ty === t || (ty === 'number' && t === 'integer'))) return [`${path}: expected ${types.join('|')}, got ${t}`];
  }
  if ('const' in schema && value !== schema.const) errors.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern as string, 'u').test(value)) errors.push(`${path}: does not match ${String(schema.pattern)}`);
    if (schema.minLength !== undefined && value.length < (schema.minLength as number)) errors.push(`${path}: too short`);
    if (schema.maxLength !== undefined && value.length > (schema.maxLength as number)) errors.push(`${path}: too long`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < (schema.minimum as number)) errors.push(`${path}: below minimum`);
    if (schema.maximum !== undefined && value > (schema.maximum as number)) errors.push(`${path}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < (schema.minItems as number)) errors.push(`${path}: too few items`);
    if (schema.items) value.forEach((item, i) => errors.push(...validate(schema.items as Schema, item, `${path}[${i}]`)));
  }
  if (t === 'object') {
    const obj = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) errors.push(`${path}: missing ${key}`);
    for (const [key, v] of Object.entries(obj)) {
      if (schema.propertyNames) errors.push(...validate(schema.propertyNames as Schema, key, `${path}{${key}}`));
      if (properties[key]) errors.push(...validate(properties[key], v, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unknown key ${key}`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errors.push(...validate(schema.additionalProperties as Schema, v, `${path}.${key}`));
    }
  }
  if (schema.allOf) for (const s of schema.allOf as Schema[]) errors.push(...validate(s, value, path));
  if (schema.anyOf && !(schema.anyOf as Schema[]).some((s) => validate(s, value, path).length === 0)) errors.push(`${path}: matches none of anyOf`);
  if (schema.oneOf) {
    const matching = (schema.oneOf as Schema[]).filter((s) => validate(s, value, path).length === 0).length;
    if (matching !== 1) errors.push(`${path}: matches ${matching} of oneOf (exactly one expected)`);
  }
  return errors;
}

const REPO_ROOT = join(import.meta.dirname, '../..');
const yamlFile = (rel: string) => parse(readFileSync(join(REPO_ROOT, rel), 'utf8')) as Record<string, unknown>;

describe('runbookJsonSchema()', () => {
  const schema = runbookJsonSchema();

  it('is JSON with an id, a draft, a title and the runbook keys', () => {
    const json = JSON.parse(JSON.stringify(schema)) as Schema;
    expect(json).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: RUNBOOK_SCHEMA_ID, title: expect.stringContaining('runbook'), type: 'object', additionalProperties: false });
    expect(Object.keys(json.properties as object)).toEqual(expect.arrayContaining(['format', 'id', 'title', 'version', 'roles', 'policy', 'targets', 'secrets', 'env', 'preconditions', 'phases', 'rollback', 'evidence_pack', 'decision']));
    // Describes the input: fields with defaults are optional.
    expect(json.required).toEqual(expect.arrayContaining(['format', 'id', 'title', 'version', 'targets', 'phases']));
    expect(json.required).not.toContain('policy');
    expect((json.properties as Record<string, Schema>).targets!.description).toMatch(/postgres/);
  });

  it('accepts both examples and the minimal fixture', () => {
    for (const file of ['examples/alembic-governance-cutover.yaml', 'examples/postgres-primary-cutover.yaml', 'test/fixtures/runbooks/minimal.yaml']) {
      expect(validate(schema, yamlFile(file)), file).toEqual([]);
    }
  });

  it('refuses what the format refuses structurally', () => {
    const example = yamlFile('examples/alembic-governance-cutover.yaml');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test pokes at arbitrary paths of parsed YAML
    type Loose = any;
    const mutate = (change: (rb: Loose) => void) => {
      const copy = structuredClone(example) as Loose;
      change(copy);
      return validate(schema, copy);
    };
    expect(mutate((rb) => { rb.bogus = 1; })).toContain('$: unknown key bogus');
    expect(mutate((rb) => { rb.phases[0].steps[0].kind = 'shell'; }).join('\n')).toMatch(/oneOf/);
    expect(mutate((rb) => { rb.phases[0].steps[0].retries = 3; }).join('\n')).toMatch(/oneOf/);
    expect(mutate((rb) => { rb.format = 'v2'; })).toContain('$.format: expected "cutover-runbook/v1"');
    expect(mutate((rb) => { delete rb.phases; })).toContain('$: missing phases');
    expect(mutate((rb) => { rb.targets.prod_db.tls = 'sometimes'; }).join('\n')).toMatch(/targets/);
  });

  it('is printed the same every time', () => {
    expect(JSON.stringify(runbookJsonSchema())).toBe(JSON.stringify(schema));
  });
});
