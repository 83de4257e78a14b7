import { randomUUID } from 'node:crypto';
import { subject } from '@casl/ability';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import {
  checkSourceFacts,
  describeProblems,
  type FieldProblem,
} from '../../core/compliance/curated-tags.js';
import { mergeSecretUpdate, SECRET_MASK, splitSecrets } from '../../core/secrets/mask-secrets.js';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import {
  deleteDataSource,
  findDataSource,
  insertDataSource,
  listDataSources,
  updateDataSource,
  type DataSourceRecord,
  type DataSourceWrite,
} from '../../db/queries/data-sources.js';
import { findWorkspace } from '../../db/queries/workspaces.js';
import { openDataSourceConfig } from '../../infra/data-source-config.js';
import type { SecretBox } from '../../infra/secret-box.js';
import type { DataSourceCheckResult } from '../../activities/datasource-check-activities.js';
import type { ScannerPlugin } from '../../scanners/sdk/contract.js';
import type { ScannerRegistry } from '../../scanners/sdk/registry.js';
import { notFound, requireAccess } from '../access.js';
import { audit } from '../audit.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { checkIfMatch, etagFor } from '../etag.js';
import { decodeCursor, pageLimit } from '../pagination.js';
import { problem } from '../problem.js';
import {
  createDataSourceRoute,
  deleteDataSourceRoute,
  getDataSourceRoute,
  listDataSourcesRoute,
  scannersRoute,
  testDataSourceRoute,
  updateDataSourceRoute,
} from './datasources-schemas.js';

const sourceCursor = z.strictObject({ name: z.string().max(200), id: z.uuid() });

export interface DataSourcesRoutesDeps {
  scanners: Promise<ScannerRegistry>;
  secretBox: SecretBox;
  /** Runs the scanner's `check()` on a worker (`dataSourceCheckWorkflow`). */
  testConnection: (dataSourceId: string) => Promise<DataSourceCheckResult>;
  /** Whether a scan of the source is running; deleting it then is refused. */
  scanRunning: (dataSourceId: string) => Promise<boolean>;
}

/** The config a client may see: clear settings, every declared secret as the mask. */
function visibleConfig(source: DataSourceRecord, plugin: ScannerPlugin | undefined) {
  const secrets = source.secretCiphertext
    ? Object.fromEntries((plugin?.secretFields ?? []).map((field) => [field, SECRET_MASK]))
    : {};
  return { ...source.settings, ...secrets };
}

/** Validates a config with the scanner's own schema; 400 listing every problem. */
function parseConfig(plugin: ScannerPlugin, config: Record<string, unknown>) {
  const parsed = plugin.configSchema.safeParse(config);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  throw new HTTPException(400, {
    message: `The config does not fit scanner "${plugin.id}": ${parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`)
      .join('; ')}`,
  });
}

/** 422 naming each bad tag, or the region. */
const invalid = (c: Context<AppEnv>, errors: FieldProblem[]) =>
  problem(c, 422, {
    title: 'Unprocessable Content',
    detail: describeProblems('The tags or region are not valid', errors),
    errors,
  });

/**
 * Data sources: registration, connection settings (secrets sealed with the data source id
 * as associated data, masked in every answer and audit entry) and deletion.
 */
export function dataSourcesRoutes({ db }: ApiDeps, deps: DataSourcesRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const load = (id: string) => () => findDataSource(db, id);
  const pluginOf = async (id: string) => {
    const registry = await deps.scanners;
    return registry.get(id) ? registry.plugin(id) : undefined;
  };
  const view = async (c: Context<AppEnv>, source: DataSourceRecord) => {
    const { id, workspaceId, name, scanner, tags, region, createdBy } = source;
    const { version, createdAt, updatedAt } = source;
    const mayReadSettings = c.var.ability.can(
      'read',
      subject('DataSource', { ...source }),
      'settings',
    );
    return {
      ...{ id, workspaceId, name, scanner, tags, region, createdBy, version, createdAt, updatedAt },
      ...(mayReadSettings && { config: visibleConfig(source, await pluginOf(source.scanner)) }),
    };
  };
  /** Splits a validated config and seals its secrets to this data source's id. */
  const toWrite = (
    id: string,
    name: string,
    plugin: ScannerPlugin,
    config: Record<string, unknown>,
  ): DataSourceWrite => {
    const { settings, secrets } = splitSecrets(config, plugin.secretFields);
    const sealed = Object.keys(secrets).length > 0 ? deps.secretBox.seal(secrets, id) : undefined;
    return {
      name,
      settings,
      secretCiphertext: sealed?.ciphertext ?? null,
      secretKeyId: sealed?.keyId ?? null,
    };
  };
  const summary = (source: DataSourceRecord, plugin: ScannerPlugin | undefined) => ({
    name: source.name,
    scanner: source.scanner,
    config: visibleConfig(source, plugin),
    tags: source.tags,
    region: source.region,
  });

  app.openapi(scannersRoute, async (c) => c.json({ items: (await deps.scanners).list() }, 200));

  app.openapi(listDataSourcesRoute, async (c) => {
    const query = c.req.valid('query');
    const visibleTo = caslToKysely(
      c.var.ability,
      'read',
      'DataSource',
      permissionColumns.DataSource,
    );
    const page = await listDataSources(
      db,
      { visibleTo, workspaceId: query.workspaceId },
      { limit: pageLimit(query.limit), after: decodeCursor(query.cursor, sourceCursor) },
    );
    return c.json(
      { items: await Promise.all(page.items.map((s) => view(c, s))), nextCursor: page.nextCursor },
      200,
    );
  });

  app.openapi(createDataSourceRoute, async (c) => {
    const body = c.req.valid('json');
    // Creating needs the right in that workspace; one the caller cannot see does not exist.
    const workspace = await findWorkspace(db, body.workspaceId);
    if (
      !workspace ||
      !c.var.ability.can('create', subject('DataSource', { workspaceId: workspace.id }))
    ) {
      throw notFound('Workspace');
    }
    const plugin = await pluginOf(body.scanner);
    if (!plugin) {
      return problem(c, 400, {
        detail: `No scanner "${body.scanner}"; see GET /api/v1/scanners.`,
      }) as never;
    }
    const curated = checkSourceFacts(body);
    if (!curated.ok) return invalid(c, curated.problems) as never;
    const id = randomUUID();
    const write = toWrite(id, body.name, plugin, parseConfig(plugin, body.config));
    const created = await db.transaction().execute(async (trx) => {
      const source = await insertDataSource(trx, {
        ...write,
        ...curated.value,
        id,
        workspaceId: workspace.id,
        scanner: plugin.id,
        createdBy: c.var.actor.userId,
      });
      if (source) {
        await audit(c, trx, {
          action: 'datasource.create',
          objectType: 'datasource',
          objectId: id,
          workspaceId: workspace.id,
          after: summary(source, plugin),
        });
      }
      return source;
    });
    if (!created) {
      return problem(c, 409, { detail: 'The workspace has a data source of that name.' }) as never;
    }
    c.header('Location', `/api/v1/datasources/${id}`);
    c.header('ETag', etagFor('datasource', id, created.version));
    return c.json(await view(c, created), 201);
  });

  app.openapi(getDataSourceRoute, async (c) => {
    const source = await requireAccess(c, 'read', 'DataSource', load(c.req.valid('param').id));
    c.header('ETag', etagFor('datasource', source.id, source.version));
    return c.json(await view(c, source), 200);
  });

  app.openapi(updateDataSourceRoute, async (c) => {
    const current = await requireAccess(c, 'update', 'DataSource', load(c.req.valid('param').id));
    const refused = checkIfMatch(c, { kind: 'datasource', ...current });
    if (refused) return refused as never;
    const body = c.req.valid('json');
    const plugin = await pluginOf(current.scanner);
    if (!plugin) {
      return problem(c, 409, {
        detail: `Scanner "${current.scanner}" is no longer installed.`,
      }) as never;
    }
    const curated = checkSourceFacts(body);
    if (!curated.ok) return invalid(c, curated.problems) as never;
    let write: DataSourceWrite = {
      name: body.name ?? current.name,
      settings: current.settings,
      secretCiphertext: current.secretCiphertext,
      secretKeyId: current.secretKeyId,
    };
    if (body.config) {
      // The stored secrets are opened only to carry over those the client left masked.
      const stored = openDataSourceConfig(current, deps.secretBox);
      const merged = mergeSecretUpdate(stored, body.config, plugin.secretFields);
      write = toWrite(current.id, write.name, plugin, parseConfig(plugin, merged));
    }
    const updated = await db.transaction().execute(async (trx) => {
      const change = { ...write, ...curated.value };
      const source = await updateDataSource(trx, current.id, current.version, change);
      if (source) {
        await audit(c, trx, {
          action: 'datasource.update',
          objectType: 'datasource',
          objectId: source.id,
          workspaceId: source.workspaceId,
          before: summary(current, plugin),
          after: summary(source, plugin),
        });
      }
      return source;
    });
    if (!updated) return problem(c, 412, { detail: 'The data source changed meanwhile.' }) as never;
    c.header('ETag', etagFor('datasource', updated.id, updated.version));
    return c.json(await view(c, updated), 200);
  });

  app.openapi(deleteDataSourceRoute, async (c) => {
    const current = await requireAccess(c, 'delete', 'DataSource', load(c.req.valid('param').id));
    const refused = checkIfMatch(c, { kind: 'datasource', ...current });
    if (refused) return refused as never;
    if (await deps.scanRunning(current.id)) {
      return problem(c, 409, {
        detail: 'A scan of this data source is running; cancel it first.',
      }) as never;
    }
    const deleted = await db.transaction().execute(async (trx) => {
      const done = await deleteDataSource(trx, current.id, current.version);
      if (done) {
        await audit(c, trx, {
          action: 'datasource.delete',
          objectType: 'datasource',
          objectId: current.id,
          workspaceId: current.workspaceId,
          before: summary(current, await pluginOf(current.scanner)),
        });
      }
      return done;
    });
    if (!deleted) return problem(c, 412, { detail: 'The data source changed meanwhile.' }) as never;
    return c.body(null, 204);
  });
  app.openapi(testDataSourceRoute, async (c) => {
    const source = await requireAccess(c, 'scan', 'DataSource', load(c.req.valid('param').id));
    const result = await deps.testConnection(source.id);
    // Audited: a connection test reaches out to a host, which is worth knowing about.
    await audit(c, db, {
      action: 'datasource.test',
      objectType: 'datasource',
      objectId: source.id,
      workspaceId: source.workspaceId,
      after: result.ok ? { ok: true } : { ok: false, kind: result.kind },
    });
    c.header('Cache-Control', 'no-store');
    return c.json(result, 200);
  });
  return app;
}
