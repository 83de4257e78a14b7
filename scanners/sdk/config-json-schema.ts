import { z } from 'zod';

/** A JSON Schema document (draft 2020-12) as produced by `z.toJSONSchema`. */
export type JsonSchema = Record<string, unknown>;

interface ZodDefinition {
  type: string;
  shape?: Record<string, unknown>;
  in?: unknown;
  innerType?: unknown;
  options?: readonly unknown[];
  left?: unknown;
  right?: unknown;
}

/**
 * True for a zod 4 schema, whichever copy of zod built it (plugins may bundle their own).
 *
 * @example
 * isZodSchema(z.object({})); // true
 * isZodSchema({ parse: () => ({}) }); // false
 */
export function isZodSchema(value: unknown): value is z.ZodType {
  if (typeof value !== 'object' || value === null) return false;
  const internals = (value as { _zod?: { def?: { type?: unknown } } })._zod;
  return (
    typeof internals?.def?.type === 'string' && typeof (value as z.ZodType).safeParse === 'function'
  );
}

function definitionOf(schema: unknown): ZodDefinition | undefined {
  return isZodSchema(schema) ? (schema._zod.def as unknown as ZodDefinition) : undefined;
}

/**
 * The top-level keys of a config schema: those of an object schema, seen through wrappers
 * (`.default()`, `.transform()`, `.pipe()`, refinements) and across the options of a union,
 * since a plugin may accept several shapes (e.g. a key pair or a role). `undefined` when the
 * schema is not object-shaped at all.
 *
 * @example
 * configKeysOf(z.strictObject({ host: z.string(), password: z.string() })); // ['host', 'password']
 */
export function configKeysOf(schema: unknown): string[] | undefined {
  const keys = collectKeys(schema, 0);
  return keys && [...new Set(keys)];
}

function collectKeys(schema: unknown, depth: number): string[] | undefined {
  const def = definitionOf(schema);
  if (!def || depth > 16) return undefined;
  switch (def.type) {
    case 'object':
      return Object.keys(def.shape ?? {});
    case 'pipe':
      return collectKeys(def.in, depth + 1);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return collectKeys(def.innerType, depth + 1);
    case 'union': {
      const all = (def.options ?? []).map((option) => collectKeys(option, depth + 1));
      return all.every((keys) => keys !== undefined) ? all.flat() : undefined;
    }
    case 'intersection': {
      const left = collectKeys(def.left, depth + 1);
      const right = collectKeys(def.right, depth + 1);
      return left && right ? [...left, ...right] : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The JSON Schema of a plugin's config as an API client sends it (`io: 'input'`: fields with
 * defaults are optional), with every secret field marked `writeOnly` and `format: password`
 * so that forms render a password box and clients know the value is never returned.
 *
 * @example
 * configJsonSchema(z.strictObject({ user: z.string(), password: z.string() }), ['password'])
 *   .properties.password; // { type: 'string', writeOnly: true, format: 'password' }
 */
export function configJsonSchema(schema: z.ZodType, secretFields: readonly string[]): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  markSecrets(json, new Set(secretFields), 0);
  return json;
}

/** Marks the secret properties of an object schema and of each union/intersection branch. */
function markSecrets(node: unknown, secrets: ReadonlySet<string>, depth: number): void {
  if (typeof node !== 'object' || node === null || depth > 16) return;
  const schema = node as JsonSchema;
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (properties) {
    for (const key of secrets) {
      const property = properties[key];
      if (property) properties[key] = { ...property, writeOnly: true, format: 'password' };
    }
  }
  for (const branch of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[branch];
    if (Array.isArray(options))
      for (const option of options) markSecrets(option, secrets, depth + 1);
  }
}
