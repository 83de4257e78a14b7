import { randomBytes, randomUUID } from 'node:crypto';
import type { Send } from './auth.js';

/** The parts of a JSON Schema (as `@hono/zod-openapi` writes them) the tests read. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  allOf?: JsonSchema[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** One operation of the document, with what a test needs to call it. */
export interface RouteOperation {
  /** Upper-case, as Hono and the allow-lists write it. */
  method: string;
  /** The document's form, `/api/v1/users/{id}`. */
  path: string;
  /** The router's form, `/api/v1/users/:id`, as in `PUBLIC_ROUTES` and metrics labels. */
  template: string;
  operation: Operation;
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** The JSON request body's schema, `$ref` resolved; undefined when the route takes none. */
  body?: JsonSchema;
  /** Whether the route declares an `If-Match` header (writes to versioned objects). */
  takesIfMatch: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export async function fetchOpenApi(send: Send): Promise<OpenApiDocument> {
  const response = await send('/openapi.json');
  if (response.status !== 200) throw new Error(`GET /openapi.json: ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

export const toTemplate = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');
export const toDocumentPath = (template: string) => template.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Follows `$ref`s into `components.schemas`. */
export function resolve(schema: JsonSchema, doc: OpenApiDocument): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = doc.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved ${schema.$ref}`);
  return resolve(target, doc);
}

/** Every operation of the document, so that a route added later is covered without edits. */
export function operationsOf(doc: OpenApiDocument): RouteOperation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => {
        const parameters = operation.parameters ?? [];
        const json = operation.requestBody?.content['application/json']?.schema;
        return {
          method: method.toUpperCase(),
          path,
          template: toTemplate(path),
          operation,
          pathParams: parameters.filter((p) => p.in === 'path'),
          queryParams: parameters.filter((p) => p.in === 'query'),
          body: json && resolve(json, doc),
          takesIfMatch: parameters.some(
            (p) => p.in === 'header' && p.name.toLowerCase() === 'if-match',
          ),
        };
      }),
  );
}

/** `METHOD template` of every endpoint the router answers (middleware left out). */
export function routerEndpoints(app: { routes: { method: string; path: string }[] }): string[] {
  const endpoints = app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${route.path}`);
  return [...new Set(endpoints)].sort();
}

/**
 * Example values for `pattern`-constrained strings: a regular expression cannot be turned
 * into a matching string in general, so each pattern the API uses is listed once here. A new
 * pattern makes `exampleOf` throw, naming it.
 */
const PATTERN_EXAMPLES: Record<string, () => string> = {
  '^[a-z0-9][a-z0-9-]{1,62}$': () => `gen-${randomBytes(5).toString('hex')}`,
  '^platform-check-[0-9a-f-]{36}$': () => `platform-check-${randomUUID()}`,
  '^[a-z0-9][a-z0-9-]*$': () => `gen-${randomBytes(5).toString('hex')}`,
  '^[A-Z][A-Z0-9_]{1,63}$': () => `GEN_${randomBytes(5).toString('hex').toUpperCase()}`,
  // Compliance rule ids (`RULE_ID_PATTERN`).
  '^[a-z0-9]+(?:[.-][a-z0-9]+)*$': () => `gen-${randomBytes(5).toString('hex')}`,
};

function exampleString(schema: JsonSchema): string {
  if (schema.format === 'uuid') return randomUUID();
  if (schema.format === 'email') return `gen-${randomUUID()}@example.test`;
  if (schema.format === 'date-time') return new Date().toISOString();
  if (schema.pattern !== undefined) {
    const make = PATTERN_EXAMPLES[schema.pattern];
    if (!make) throw new Error(`no example for pattern ${schema.pattern}; add one`);
    const value = make();
    if (!new RegExp(schema.pattern).test(value)) throw new Error(`bad example for ${value}`);
    return value;
  }
  const length = Math.min(schema.maxLength ?? 64, Math.max(schema.minLength ?? 0, 24));
  return `generated-${randomBytes(32).toString('hex')}`.slice(0, length).padEnd(length, 'x');
}

/**
 * A minimal valid value of `schema`: required properties only, the first enum value, strings
 * within their length limits and formats. Enough for a request to pass validation and reach
 * the handler, which is what access and mass-assignment tests need.
 *
 * @example
 * const body = exampleOf(route.body!, doc); // { name: 'generated-…' }
 */
export function exampleOf(input: JsonSchema, doc: OpenApiDocument): unknown {
  const schema = resolve(input, doc);
  if (schema.enum) return schema.enum[0];
  if (schema.allOf) {
    return Object.assign({}, ...(schema.allOf.map((part) => exampleOf(part, doc)) as object[]));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((name) => [name, exampleOf(schema.properties![name]!, doc)]),
      );
    case 'string':
      return exampleString(schema);
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      throw new Error(`no example for schema ${JSON.stringify(schema)}`);
  }
}

/** What a path parameter names: the kind of object its value is the id of. */
export type IdKind =
  | 'user'
  | 'workspace'
  | 'dataSource'
  | 'scanRun'
  | 'platformCheck'
  | 'classifier'
  | 'infoType'
  | 'catalogAsset'
  | 'complianceRule'
  | 'complianceFinding'
  | 'complianceWaiver';

const KIND_OF_COLLECTION: Record<string, IdKind> = {
  users: 'user',
  workspaces: 'workspace',
  datasources: 'dataSource',
  scans: 'scanRun',
  diagnostics: 'platformCheck',
  classifiers: 'classifier',
  infotypes: 'infoType',
  assets: 'catalogAsset',
  // `/catalog/assets/{id}/classifications/{infoType}`: the type a column is classified as.
  classifications: 'infoType',
  // `/compliance/rules/{ruleId}`: a rule's text id; findings and waivers take uuids.
  rules: 'complianceRule',
  findings: 'complianceFinding',
  waivers: 'complianceWaiver',
};

/**
 * The kind of id a path parameter takes: `workspaceId` anywhere, or `{id}` after the
 * collection it identifies (`/users/{id}`). Undefined for a parameter nobody has described
 * yet, which the tests report so a new id route cannot go untested.
 */
export function idKindOf(path: string, param: string): IdKind | undefined {
  if (param === 'workspaceId') return 'workspace';
  const segments = path.split('/');
  const at = segments.indexOf(`{${param}}`);
  return at > 0 ? KIND_OF_COLLECTION[segments[at - 1]!] : undefined;
}

/** Puts values into the `{name}` placeholders of a document path, encoded. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(value);
  });
}
