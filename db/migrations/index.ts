import type { Migration } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as assetSensitivity from './0002-asset-sensitivity.js';
import * as auth from './0003-auth.js';
import * as invitations from './0004-invitations.js';
import * as scans from './0005-scans.js';
import * as classifiers from './0006-classifiers.js';
import * as classificationReview from './0007-classification-review.js';
import * as compliance from './0008-compliance.js';

/**
 * Migrations in order. Listed statically (not read from the folder) so that they work the
 * same from source, from a bundle and inside the Docker image.
 */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-asset-sensitivity': assetSensitivity,
  '0003-auth': auth,
  '0004-invitations': invitations,
  '0005-scans': scans,
  '0006-classifiers': classifiers,
  '0007-classification-review': classificationReview,
  '0008-compliance': compliance,
};
