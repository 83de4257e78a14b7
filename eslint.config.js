import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.tools/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed: it must be deterministic and may not touch the outside world.
    // Time and randomness come from @temporalio/workflow's patched Date and Math.random.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.flatMap((name) => [
            { name, message: 'Node built-ins are not allowed in workflow code.' },
            { name: `node:${name}`, message: 'Node built-ins are not allowed in workflow code.' },
          ]),
          patterns: [
            {
              group: [
                '../activities/*',
                '../db/*',
                '../db/**',
                '../infra/*',
                '../scanners/**',
                '../api/**',
              ],
              allowTypeImports: true,
              message: 'Workflows import activity and data types only (import type).',
            },
            {
              group: [
                'pg',
                'kysely',
                'ioredis',
                'minio',
                '@temporalio/activity',
                '@temporalio/client',
                '@temporalio/worker',
              ],
              message: 'No I/O libraries in workflow code.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setImmediate', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'process', message: 'Workflow code may not read the process.' },
        { name: 'fetch', message: 'Workflow code may not do I/O; call an activity.' },
        { name: 'crypto', message: 'Use uuid4() from @temporalio/workflow.' },
        { name: 'performance', message: 'Workflow time comes from Date (patched by Temporal).' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'crypto',
          property: 'randomUUID',
          message: 'Use uuid4() from @temporalio/workflow.',
        },
      ],
    },
  },
);
