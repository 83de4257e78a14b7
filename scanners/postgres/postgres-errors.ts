import { ScannerError, type ScannerErrorKind } from '../sdk/contract.js';

/** What a message may name about the connection; the password is there only to be removed. */
export interface ErrorScene {
  host: string;
  port: number;
  user: string;
  database: string;
  password: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|CERT_)/;

/**
 * Turns whatever `pg`, the socket or the TLS layer threw into a `ScannerError` a steward can
 * act on: a wrong password is `authentication` (naming user and host, never retried), an
 * unknown database `configuration`, missing privileges `permission`, a refused or timed-out
 * connection `network` (retried). SQLSTATE codes decide, not message texts, where there are
 * codes. The password never appears in a message, even if a server or driver echoed it.
 *
 * @example
 * toScannerError(Object.assign(new Error('…'), { code: '28P01' }), scene).kind; // 'authentication'
 */
export function toScannerError(error: unknown, scene: ErrorScene): ScannerError {
  if (error instanceof ScannerError) return error;
  const [kind, message] = classify(error, scene);
  return new ScannerError(kind, redact(message, scene.password), { cause: error });
}

function classify(error: unknown, scene: ErrorScene): [ScannerErrorKind, string] {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const text = error instanceof Error ? error.message : String(error);
  const server = `${scene.host}:${scene.port}`;
  const user = JSON.stringify(scene.user);
  const database = JSON.stringify(scene.database);

  switch (code) {
    case '28P01':
      return ['authentication', `wrong password for user ${user} on PostgreSQL ${server}`];
    case '28000':
      return [
        'authentication',
        `PostgreSQL ${server} refused the login of user ${user} to database ${database}: ${text}`,
      ];
    case '3D000':
      return ['configuration', `database ${database} does not exist on PostgreSQL ${server}`];
    case '42501':
      return ['permission', `user ${user} lacks a privilege on ${database} at ${server}: ${text}`];
    case '42P01':
    case '42703':
    case '3F000':
      return ['not-found', text];
    case '57014':
      return ['unavailable', `a query on ${database} at ${server} ran into the statement timeout`];
    case '55P03':
      return [
        'unavailable',
        `a lock on ${database} at ${server} is held too long by another session`,
      ];
    case '53300':
    case '57P03':
    case '57P01':
    case '57P02':
    case '53100':
    case '53200':
      return ['unavailable', `PostgreSQL ${server} cannot serve now: ${text}`];
  }
  if (NETWORK_CODES.has(code)) {
    return ['network', `cannot reach PostgreSQL ${server} (${code})`];
  }
  if (code.startsWith('08'))
    return ['network', `connection to PostgreSQL ${server} failed: ${text}`];
  if (TLS_CODES.test(code)) {
    return [
      'configuration',
      `TLS to PostgreSQL ${server} failed (${code}): check sslMode and sslRootCert`,
    ];
  }
  if (/does not support SSL/i.test(text)) {
    return ['configuration', `PostgreSQL ${server} does not offer TLS: use sslMode "disable"`];
  }
  if (/timeout|timed out|Connection terminated unexpectedly/i.test(text)) {
    return ['network', `connection to PostgreSQL ${server} timed out or was cut: ${text}`];
  }
  if (code === '0A000') return ['unsupported', text];
  if (/^(22|23|42)/.test(code)) return ['corrupt', text];
  return ['unavailable', `PostgreSQL ${server}: ${text}`];
}

/** Hides the password should any layer have echoed it; short ones would match by chance. */
function redact(message: string, password: string): string {
  const firstLine = message.split('\n')[0] ?? '';
  return password.length >= 4 ? firstLine.replaceAll(password, '********') : firstLine;
}
