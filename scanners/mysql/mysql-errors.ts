import { ScannerError } from '../sdk/contract.js';

/** Where a failure happened, to name it in the message (never the password). */
export interface ErrorScope {
  user: string;
  host: string;
  port: number;
  /** Scrubbed from every message, in case a server or driver ever echoes it. */
  password: string;
  /** The dataset being sampled: "table gone" errors then concern that dataset only. */
  datasetFqn?: string;
  statementTimeoutSeconds: number;
}

interface DriverError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  message?: string;
}

// Server error numbers shared by MySQL and MariaDB (mysqld_error.h).
const ACCESS_DENIED = new Set([1045, 1698]);
const BAD_DATABASE = 1049;
const PRIVILEGE = new Set([1044, 1142, 1143, 1227, 1370]);
const GONE = new Set([1146, 1054, 1109]);
const INVALID_VIEW = 1356;
// 1969 MariaDB max_statement_time, 3024 MySQL max_execution_time, 1317 interrupted.
const STATEMENT_TIMEOUT = new Set([1969, 3024, 1317]);
// Too many connections, shutdown, lock wait timeout, deadlock, aborted or killed connection.
const BUSY = new Set([1040, 1203, 1226, 1053, 1205, 1213, 1077, 1152, 1927]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function networkReason(code: string, scope: ErrorScope): string {
  if (code === 'ECONNREFUSED') return 'connection refused (is the server running on that port?)';
  if (code === 'ETIMEDOUT') return 'no answer in time';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host ${scope.host} not found`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  return 'the connection was lost';
}

/**
 * Turns a driver or server failure into a `ScannerError` a steward can act on: bad
 * credentials are `authentication` (final), missing privileges `permission`, refused or lost
 * connections `network` (retried), a table dropped since discovery `not-found`.
 *
 * @example
 * try { await connect(); } catch (error) { throw toScannerError(error, scope); }
 * // ScannerError('authentication', 'access denied for user "scanner" at db.internal:3306 …')
 */
export function toScannerError(error: unknown, scope: ErrorScope): ScannerError {
  if (error instanceof ScannerError) return error;
  const failure = (error ?? {}) as DriverError;
  const code = failure.code ?? '';
  const errno = typeof failure.errno === 'number' ? failure.errno : 0;
  const serverSays = failure.sqlMessage ?? failure.message ?? String(error);
  const at = `${scope.host}:${scope.port}`;
  const make = (kind: ScannerError['kind'], message: string) =>
    new ScannerError(kind, scrub(message, scope.password), { cause: error });

  if (ACCESS_DENIED.has(errno)) {
    return make(
      'authentication',
      `access denied for user "${scope.user}" at ${at}: check the user name and password`,
    );
  }
  if (scope.datasetFqn && (GONE.has(errno) || errno === BAD_DATABASE)) {
    return make('not-found', `${scope.datasetFqn} no longer exists at ${at}: ${serverSays}`);
  }
  if (scope.datasetFqn && errno === INVALID_VIEW) {
    return make('corrupt', `view ${scope.datasetFqn} cannot be read: ${serverSays}`);
  }
  if (errno === BAD_DATABASE) return make('configuration', `${serverSays} at ${at}`);
  if (PRIVILEGE.has(errno)) {
    return make('permission', `user "${scope.user}" lacks a privilege at ${at}: ${serverSays}`);
  }
  if (STATEMENT_TIMEOUT.has(errno)) {
    return make(
      'unavailable',
      `a query at ${at} ran longer than ${scope.statementTimeoutSeconds} s and was stopped`,
    );
  }
  if (BUSY.has(errno)) return make('unavailable', `${at} is busy or shutting down: ${serverSays}`);
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT') {
    return make(
      'configuration',
      `${at} does not offer TLS; set tls to "disable" to connect without encryption`,
    );
  }
  if (CERTIFICATE_CODES.has(code)) {
    return make(
      'configuration',
      `the TLS certificate of ${at} could not be verified (${code}); trust its CA or use tls "require"`,
    );
  }
  if (NETWORK_CODES.has(code)) {
    return make('network', `could not talk to ${at}: ${networkReason(code, scope)}`);
  }
  return make('unavailable', `${at}: ${serverSays}`);
}

function scrub(message: string, password: string): string {
  // Very short passwords would blank out ordinary words; they are not echoed by drivers anyway.
  return password.length >= 4 ? message.replaceAll(password, '********') : message;
}
