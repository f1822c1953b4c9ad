/**
 * A validator of the JSON Schema subset `schemas/` uses: `type` (one or a list), `enum`,
 * `required`, `properties`, `additionalProperties` (a boolean or a schema), `minimum`,
 * `maximum`, `minLength`, `pattern`, `format: date-time`. A keyword it does not know makes it
 * throw, so a schema can never be "valid" by being half read.
 */
export type Schema = Record<string, unknown>;

const KNOWN = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  'type',
  'enum',
  'required',
  'properties',
  'additionalProperties',
  'minimum',
  'maximum',
  'minLength',
  'pattern',
  'format',
]);

const typeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

const isType = (value: unknown, type: string): boolean => {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
};

/** Every way `value` breaks `schema`, as `path: problem`; empty when it is valid. */
export const validate = (schema: Schema, value: unknown, path = '$'): string[] => {
  for (const keyword of Object.keys(schema))
    if (!KNOWN.has(keyword)) throw new Error(`${path}: the validator does not know "${keyword}"`);
  const problems: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [String(schema.type)];
    if (!types.some((t) => isType(value, t))) {
      return [`${path}: is ${typeOf(value)}, not ${types.join(' or ')}`];
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      problems.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      problems.push(`${path}: above ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      problems.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
      problems.push(`${path}: does not match ${schema.pattern}`);
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value)))
      problems.push(`${path}: not a date-time`);
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? [])
      if (!(name in object)) problems.push(`${path}: ${name} is missing`);
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [name, item] of Object.entries(object)) {
      const known = properties[name];
      if (known !== undefined) problems.push(...validate(known, item, `${path}.${name}`));
      else if (schema.additionalProperties === false)
        problems.push(`${path}: ${name} is not allowed`);
      else if (typeof schema.additionalProperties === 'object')
        problems.push(...validate(schema.additionalProperties as Schema, item, `${path}.${name}`));
    }
  }
  return problems;
};
