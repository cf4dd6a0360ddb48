/** Shared building blocks of the domain: ports, errors, deps. */
export { systemClock, ManualClock, type Clock } from './clock.js';
export { silentLog, maskPii, type Log } from './log.js';
export { AppError, type AppErrorCode } from './errors.js';
export type { CoreDeps } from './deps.js';
export { hitRateLimit, releaseRateLimit, pruneRateLimits } from './rate-limit.js';
export type { RateLimitInput, RateLimitResult } from './rate-limit.js';
export { InProcessJobQueue, JOB_DEFAULTS } from './job-queue.js';
export type { JobQueue, JobHandler, JobInfo, JobFailure, JobQueueHooks, EnqueueOptions, RegisterOptions, Repeat } from './job-queue.js';
export type { StructuredLlm, StructuredRequest, LlmOutcome, LlmFailure } from './llm.js';
export { zoneFormatter, wallClockMs, zoneOffsetMs, wallToInstant } from './time-zone.js';
