import type {} from 'vitest';

// What global-setup.ts hands to every test file through `inject()`.
declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
    /** The migrated database of this run that `createTestDatabase` copies. */
    templateDatabase: string;
  }
}
