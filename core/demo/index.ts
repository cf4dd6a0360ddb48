/** Demo data for a first run. */
export { seedDemoData, brandExists } from './seed-demo.js';
export type { SeedResult, SeedOptions } from './seed-demo.js';
