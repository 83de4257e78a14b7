import type { ScannerPlugin } from './sdk/contract.js';
import { mysqlScanner } from './mysql/mysql-scanner.js';
import { postgresScanner } from './postgres/postgres-scanner.js';
import { s3Scanner } from './s3/s3-scanner.js';

/**
 * The scanners that ship with the platform; `createScannerRegistry` adds those of
 * `SCANNER_PLUGINS`. Add a built-in by importing it and listing it here.
 *
 * @example
 * const registry = await createScannerRegistry({ builtins: builtinScanners, packages: config.scan.plugins });
 */
export const builtinScanners: readonly ScannerPlugin[] = [postgresScanner, mysqlScanner, s3Scanner];
