import { subject } from '@casl/ability';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  compileClassifier,
  type InfoTypeLookup,
} from '../../core/classification/custom-classifier.js';
import type { InfoTypeDefinition } from '../../core/classification/info-type.js';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import { listNewTypeClassifiers, type StoredClassifier } from '../../db/queries/classifiers.js';
import {
  findInfoTypeSetting,
  listInfoTypeSettings,
  putInfoTypeSetting,
  type InfoTypeSetting,
} from '../../db/queries/info-type-settings.js';
import { findWorkspace } from '../../db/queries/workspaces.js';
import { notFound } from '../access.js';
import { audit } from '../audit.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import {
  getInfoTypeRoute,
  listInfoTypesRoute,
  putInfoTypeSettingsRoute,
} from './infotypes-schemas.js';

export interface InfoTypesRoutesDeps {
  /** The built-in catalogue, in the order it is listed. */
  builtins: readonly InfoTypeDefinition[];
  infoTypeById: InfoTypeLookup;
}

type Settings = InfoTypeSetting | null | undefined;

function describe(type: InfoTypeDefinition, settings: Settings) {
  return {
    id: type.id,
    label: type.label,
    category: type.category,
    sensitivity: type.sensitivity,
    description: type.description,
    valueCheck: type.values ? { method: type.values.method, describe: type.values.describe } : null,
    names: [...type.names],
    minMatchRatio: type.minMatchRatio,
    ...(settings !== undefined && { settings }),
  };
}

/**
 * Information types: the built-in catalogue, the types workspaces' classifiers define, and
 * each workspace's thresholds for any of them.
 */
export function infoTypesRoutes({ db }: ApiDeps, { builtins, infoTypeById }: InfoTypesRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();

  const builtinView = (type: InfoTypeDefinition, settings: Settings) => ({
    ...describe(type, settings),
    builtin: true,
  });
  const ownView = (classifier: StoredClassifier, settings: Settings) => ({
    ...describe(compileClassifier(classifier, infoTypeById).infoType, settings),
    builtin: false,
    classifierId: classifier.id,
    workspaceId: classifier.workspaceId,
  });
  const ownTypesVisible = async (
    c: Context<AppEnv>,
    filters: { workspaceId?: string; infoType?: string },
  ) => {
    const visibleTo = caslToKysely(
      c.var.ability,
      'read',
      'Classifier',
      permissionColumns.Classifier,
    );
    const classifiers = await listNewTypeClassifiers(db, { ...filters, visibleTo });
    // A type whose id has since become built in is shadowed by the built-in one.
    return classifiers.filter((classifier) => !infoTypeById(classifier.infoType));
  };
  /** The workspace's settings by type id; undefined without a workspace, so none are shown. */
  const settingsIn = async (c: Context<AppEnv>, workspaceId: string | undefined) => {
    if (workspaceId === undefined) return undefined;
    if (!c.var.ability.can('read', subject('InfoTypeSetting', { workspaceId }))) {
      return new Map<string, InfoTypeSetting>();
    }
    const settings = await listInfoTypeSettings(db, workspaceId);
    return new Map(settings.map((setting) => [setting.infoType, setting]));
  };
  const settingOf = (byType: Map<string, InfoTypeSetting> | undefined, id: string): Settings =>
    byType && (byType.get(id) ?? null);

  app.openapi(listInfoTypesRoute, async (c) => {
    const { workspaceId } = c.req.valid('query');
    const settings = await settingsIn(c, workspaceId);
    const own = workspaceId ? await ownTypesVisible(c, { workspaceId }) : [];
    const items = [
      ...builtins.map((type) => builtinView(type, settingOf(settings, type.id))),
      ...own.map((classifier) => ownView(classifier, settingOf(settings, classifier.infoType))),
    ];
    return c.json({ items }, 200);
  });

  app.openapi(getInfoTypeRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { workspaceId } = c.req.valid('query');
    const settings = await settingsIn(c, workspaceId);
    const builtin = infoTypeById(id);
    if (builtin) return c.json(builtinView(builtin, settingOf(settings, id)), 200);
    const [classifier] = await ownTypesVisible(c, { workspaceId, infoType: id });
    if (!classifier) throw notFound('InfoTypeSetting');
    return c.json(ownView(classifier, settingOf(settings, id)), 200);
  });

  app.openapi(putInfoTypeSettingsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { workspaceId } = body;
    const workspace = await findWorkspace(db, workspaceId);
    const allowed = c.var.ability.can(
      'update',
      subject('InfoTypeSetting', { workspaceId, infoType: id }),
    );
    if (!workspace || !allowed) throw notFound('Workspace');
    const known = infoTypeById(id) ?? (await ownTypesVisible(c, { workspaceId, infoType: id }))[0];
    if (!known) throw notFound('InfoTypeSetting');
    const setting = await db.transaction().execute(async (trx) => {
      const before = await findInfoTypeSetting(trx, workspaceId, id);
      const after = await putInfoTypeSetting(
        trx,
        {
          workspaceId,
          infoType: id,
          minMatchRatio: body.minMatchRatio ?? null,
          minConfidence: body.minConfidence ?? null,
          enabled: body.enabled ?? true,
        },
        c.var.actor.userId,
      );
      await audit(c, trx, {
        action: 'infotype.settings',
        objectType: 'infotype',
        objectId: id,
        workspaceId,
        before: before ? { ...before } : null,
        after: { ...after },
      });
      return after;
    });
    return c.json(setting, 200);
  });

  return app;
}
