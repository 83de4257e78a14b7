import type {} from 'vitest';

// What global-setup.ts hands to every test file through `inject()`.
declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
  }
}
