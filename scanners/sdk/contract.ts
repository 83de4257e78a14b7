import type { LookupFunction } from 'node:net';
import type { z } from 'zod';

/**
 * The scanner plugin contract. A plugin describes its connection settings (`configSchema`),
 * says where it will connect (`targets`), and opens a connection that checks, discovers and
 * samples. Plugins return what they found; only the scan engine writes the catalog.
 *
 * Modelled on the Airbyte protocol (spec / check / discover / read) and Backstage entity
 * providers (a tiny interface, dependencies passed in).
 */
export interface ScannerPlugin<Config = Record<string, unknown>> {
  /** Stable id stored on data sources, e.g. `postgres`; lower-case letters, digits, dashes. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The plugin's own version (semver), shown in `GET /api/v1/scanners`. */
  readonly version: string;
  /** Validates a data source's connection settings; strict (unknown keys are refused). */
  readonly configSchema: z.ZodType<Config>;
  /**
   * Top-level keys of the config that are secrets (passwords, keys). They are encrypted at
   * rest, masked in every response and never logged or put into workflow history.
   */
  readonly secretFields: readonly string[];
  readonly capabilities: ScannerCapabilities;
  /** Every host the plugin would connect to for this config, checked by the network policy. */
  targets(config: Config): NetworkTarget[];
  /** Opens what `check`, `discover` and `sample` share (a pool, a client). */
  connect(config: Config, context: ScannerContext): Promise<ScannerConnection>;
}

export interface ScannerCapabilities {
  /** Discovers views (with their SQL in `definition`). */
  views: boolean;
  foreignKeys: boolean;
  /** Datasets carry `rowEstimate`. */
  rowEstimates: boolean;
  /** Discovers files and file sets rather than tables. */
  files: boolean;
  /** How `sample` picks rows: a random sample of the whole dataset or its first rows. */
  sampling: 'random' | 'first-rows';
}

export interface NetworkTarget {
  host: string;
  port: number;
}

/** What the engine hands a plugin; plugins take nothing from globals. */
export interface ScannerContext {
  network: NetworkGuard;
  /** Aborted when the scan is cancelled or the activity times out. */
  signal: AbortSignal;
  log: (
    level: 'debug' | 'info' | 'warn',
    message: string,
    fields?: Record<string, unknown>,
  ) => void;
}

/**
 * The only way a plugin may reach the network. Each resolves a host name, refuses addresses
 * outside the network policy (cloud metadata and link-local always), and yields an address
 * that passed, so that a DNS answer cannot change between the check and the connection.
 */
export interface NetworkGuard {
  /** The first allowed address of `host`; throws a `ScannerError` of kind `network-policy`. */
  resolve(host: string): Promise<{ address: string; family: 4 | 6 }>;
  /** A drop-in `lookup` for `net.connect`, `http.Agent` and drivers that accept one. */
  lookup: LookupFunction;
}

export interface ScannerConnection {
  /** Connects and proves the credentials and permissions work; throws a `ScannerError`. */
  check(): Promise<CheckResult>;
  /**
   * Streams containers before their children and each dataset with all its columns. Must not
   * hold the whole catalog in memory: yield as rows of the catalog queries arrive.
   */
  discover(): AsyncIterable<DiscoveredItem>;
  /**
   * Streams at most `options.rows` rows of one dataset, never loading it whole. Throws a
   * `ScannerError` of kind `not-found` when the dataset has gone since discovery.
   */
  sample(dataset: DatasetRef, options: SampleOptions): AsyncIterable<SampleRow>;
  close(): Promise<void>;
}

export interface CheckResult {
  /** e.g. `PostgreSQL 16.4`, `MinIO bucket landing`. */
  serverVersion?: string;
  /** Free-form facts shown to the steward (database size, object count). */
  details?: Record<string, string | number | boolean>;
}

/** A segment-wise name; `fqn` is `path` joined by `formatFqn` and is unique per data source. */
interface Named {
  fqn: string;
  path: readonly string[];
  name: string;
  /** `fqn` of the container holding it; absent at the top level. */
  parentFqn?: string;
  comment?: string;
  /**
   * Extra facts worth keeping in the catalog (owner, size, partition keys, format). Who may
   * read a dataset goes under the conventional key `access`, shaped as `DatasetAccess`
   * (`{ publicRead, readers }`), which compliance rules read whatever the source; a plugin
   * leaves it out when the source has no such notion or the scanner may not see it.
   */
  properties?: Record<string, unknown>;
}

/**
 * Who may read a dataset, as `properties.access` of a discovered dataset.
 *
 * @example
 * const access: DatasetAccess = { publicRead: true, readers: ['PUBLIC', 'analyst'] };
 */
export interface DatasetAccess {
  /** Anyone may read it: PostgreSQL's PUBLIC role, an anonymous S3 caller. */
  publicRead: boolean;
  /**
   * Who holds read grants, sorted: role names, `PUBLIC` (PostgreSQL) or `*` (anonymous S3).
   * Explicit grants only: an owner and members of a listed role may read too.
   */
  readers: string[];
}

export interface DiscoveredContainer extends Named {
  kind: 'container';
  containerType: 'database' | 'schema' | 'bucket' | 'prefix';
}

export interface DiscoveredDataset extends Named {
  kind: 'dataset';
  datasetType: 'table' | 'view' | 'materialized-view' | 'foreign-table' | 'file' | 'file-set';
  /** The view's SQL, for views and materialized views. */
  definition?: string;
  rowEstimate?: number;
  columns: DiscoveredColumn[];
  /** Changes whenever the dataset's structure (columns, types, keys, definition) changes. */
  fingerprint: string;
  /**
   * Set when the dataset exists but could not be read whole (a corrupt Parquet footer, ragged
   * CSV rows): the scan reports it and goes on with the others.
   */
  problem?: { kind: ScannerErrorKind; message: string };
}

export interface DiscoveredColumn {
  name: string;
  /** 1-based position in the dataset. */
  position: number;
  /** The source's own type name, e.g. `character varying(120)`, `INT96`, `string`. */
  dataType: string;
  nullable: boolean;
  primaryKey?: boolean;
  /** The referenced column as `<dataset fqn>` and column name. */
  references?: { datasetFqn: string; column: string };
  comment?: string;
}

export type DiscoveredItem = DiscoveredContainer | DiscoveredDataset;

/** What `sample` needs to find a dataset again; taken from the discovered dataset. */
export interface DatasetRef {
  fqn: string;
  path: readonly string[];
  datasetType: DiscoveredDataset['datasetType'];
  properties?: Record<string, unknown>;
}

export interface SampleOptions {
  rows: number;
  /** Only these columns; all when absent. */
  columns?: readonly string[];
}

/** One row, column name → JSON-safe value (see `toSampleValue`). */
export type SampleRow = Record<string, SampleValue>;
export type SampleValue = string | number | boolean | null;

/**
 * Why a scanner call failed. `authentication` and `configuration` are final (retrying cannot
 * help); `network` and `unavailable` are worth retrying with backoff; `not-found` and `corrupt`
 * concern one dataset and must not fail the scan.
 */
export type ScannerErrorKind =
  | 'authentication'
  | 'permission'
  | 'configuration'
  | 'network-policy'
  | 'network'
  | 'unavailable'
  | 'not-found'
  | 'corrupt'
  | 'unsupported';

const RETRYABLE: ReadonlySet<ScannerErrorKind> = new Set(['network', 'unavailable']);

/** A failure a steward can act on: a one-line message that names the cause. */
export class ScannerError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly kind: ScannerErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ScannerError';
    this.retryable = RETRYABLE.has(kind);
  }
}
