import { loadConfig, type Config } from '../../config/load-config.js';

/** The configuration tests run with: the developer's environment, in test mode. */
export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...overrides });
}
