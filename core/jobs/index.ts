/** The core's scheduled background jobs. */
export { registerCoreJobs, CORE_JOBS } from './register-jobs.js';
