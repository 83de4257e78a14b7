// The worker bundles this file: it lists every workflow and imports nothing with side effects.
export { platformCheckWorkflow } from './platform-check-workflow.js';
export { scanWorkflow } from './scan-workflow.js';
export { dataSourceCheckWorkflow } from './datasource-check-workflow.js';
