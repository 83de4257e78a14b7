import { defineConfig } from 'vitest/config';

const shared = { env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' }, testTimeout: 60_000 };

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Installs (first run only) and starts PostgreSQL, Redis, Temporal and MinIO through
          // the project's own scripts, migrates a template database and bundles the workflows.
          globalSetup: ['test/helpers/global-setup.ts'],
          setupFiles: ['test/helpers/quiet-temporal.ts'],
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
