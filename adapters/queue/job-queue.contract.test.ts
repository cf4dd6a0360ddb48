// Runs the shared JobQueue contract against every implementation: in-process always, BullMQ when REDIS_URL is set.
import { afterAll, describe } from 'vitest';
import { InProcessJobQueue } from '../../core/shared/job-queue.js';
import { silentLog } from '../../core/shared/log.js';
import { createBullmqQueue } from './bullmq.queue.js';
import { describeJobQueueContract } from './job-queue.contract.js';
import { deleteRedisKeys, testPrefix } from './test-redis.js';

const redisUrl = process.env.REDIS_URL;

describeJobQueueContract('in-process', ({ onFailed }) => new InProcessJobQueue({ onFailed }));

describe.runIf(redisUrl)('with Redis', () => {
  const run = testPrefix('contract');
  let n = 0;
  afterAll(() => deleteRedisKeys(redisUrl!, `${run}*`));
  // A prefix per test, so no test sees another's jobs or schedules.
  describeJobQueueContract('bullmq', ({ onFailed }) =>
    createBullmqQueue({ connection: redisUrl!, prefix: `${run}-${++n}`, log: silentLog, onFailed }),
  );
});
