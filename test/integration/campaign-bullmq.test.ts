// The campaign engine on BullMQ and Redis end to end (REDIS_URL): expansion, batch jobs and completion through the
// durable queue, a real LINE client against a fake LINE API, every member reached exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqQueue } from '../../adapters/queue/bullmq.queue.js';
import { deleteRedisKeys, testPrefix } from '../../adapters/queue/test-redis.js';
import { lineUserId } from '../../adapters/channels/line/line.test-support.js';
import {
  approveCampaign,
  campaignStats,
  createCampaign,
  getCampaign,
  registerCampaignJobs,
  requestApproval,
  setAudience,
  setVariant,
  startCampaign,
} from '../../core/campaigns/index.js';
import { linePusher, reachOn } from '../../core/campaigns/campaigns.test-support.js';
import { saveSegment } from '../../core/segments/index.js';
import { silentLog, systemClock, type CoreDeps, type JobQueue } from '../../core/shared/index.js';
import { startFakeLineApi, type FakeLineApi } from '../fakes/line-api.js';
import { eventually } from '../helpers/eventually.js';
import { createBrand, createMember } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const REDIS_URL = process.env.REDIS_URL;

describe.skipIf(!REDIS_URL).each(testDbKinds)('campaigns on BullMQ with %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let line: FakeLineApi;
  let queue: JobQueue;
  const prefix = testPrefix('campaigns');

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock: systemClock, log: silentLog };
    line = await startFakeLineApi();
  });
  afterAll(async () => {
    await queue?.close();
    await line?.close();
    await handle?.cleanup();
    await deleteRedisKeys(REDIS_URL!, `${prefix}*`);
  });

  it('expands, sends every batch and completes through Redis, one message per member', async () => {
    const { brandId } = await createBrand(handle.db);
    const chats: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = await createMember(deps, brandId, { name: `Member ${i}` });
      const chat = lineUserId();
      chats.push(chat);
      await reachOn(deps, { brandId, customerId: m.customerId, channel: 'line', externalId: chat });
    }
    await saveSegment(deps, { brandId, storeIds: [], name: 'All', expression: 'visits >= 0', createdBy: 'maker' });
    const created = await createCampaign(deps, { brandId, name: 'On Redis', createdBy: 'maker', storeIds: [] });
    if (created.status !== 'created') throw new Error('create');
    const campaignId = created.campaign.id;
    await setVariant(deps, { brandId, campaignId, key: 'A', language: 'en', text: 'Hi {first_name}' });
    await setAudience(deps, { brandId, campaignId, segmentName: 'All' });
    await requestApproval(deps, { brandId, campaignId, staffId: 'maker' });
    await approveCampaign(deps, { brandId, campaignId, approverId: 'boss', approverRole: 'admin' });

    queue = createBullmqQueue({ connection: REDIS_URL!, prefix, log: silentLog });
    const declare = registerCampaignJobs(queue, { ...deps, pusher: linePusher(deps, { brandId, apiBaseUrl: line.url, token: line.token }), sendChunk: 2 });
    await queue.start();
    await declare();
    expect((await startCampaign({ ...deps, queue }, { brandId, campaignId, staffId: 'maker' })).status).toBe('started');
    await eventually(async () => expect((await getCampaign(deps, { brandId, campaignId }))?.status).toBe('completed'), { timeoutMs: 20_000 });
    for (const chat of chats) expect(line.messagesTo(chat)).toEqual([{ type: 'text', text: 'Hi Member' }]);
    expect((await campaignStats(deps, { brandId, campaignId }))?.byVariant[0]).toMatchObject({ recipients: 5, sent: 5 });
  });
});
