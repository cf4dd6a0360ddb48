// Tracked links through the HTTP route: a recipient's link redirects (302) to the campaign's URL and counts the first
// click; a malformed, unknown or foreign code is a plain 404 and never a redirect.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { campaignLinksPlugin } from '../../adapters/http/campaign-links.js';
import {
  approveCampaign,
  campaignStats,
  createCampaign,
  encodeLinkCode,
  getCampaign,
  registerCampaignJobs,
  requestApproval,
  setAudience,
  setVariant,
  startCampaign,
} from '../../core/campaigns/index.js';
import { reachOn, RecordingPusher } from '../../core/campaigns/campaigns.test-support.js';
import { saveSegment } from '../../core/segments/index.js';
import { InProcessJobQueue, ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { eventually } from '../helpers/eventually.js';
import { createBrand, createMember } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

describe.each(testDbKinds)('campaign tracked links on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let app: FastifyInstance;
  let queue: InProcessJobQueue;

  beforeEach(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(new Date('2026-03-10T08:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    app = Fastify();
    await app.register(campaignLinksPlugin({ deps }));
    queue = new InProcessJobQueue({ log: silentLog });
  });
  afterEach(async () => {
    await queue.close();
    await app.close();
    await handle.cleanup();
  });

  it('redirects a recipient’s link to the campaign URL, counts the first click, and 404s anything else', async () => {
    const { brandId } = await createBrand(handle.db);
    const member = await createMember(deps, brandId, { name: 'Sam Lee' });
    const chat = await reachOn(deps, { brandId, customerId: member.customerId, channel: 'line' });
    await saveSegment(deps, { brandId, storeIds: [], name: 'All', expression: 'visits >= 0', createdBy: 'maker' });
    const created = await createCampaign(deps, { brandId, name: 'Links', createdBy: 'maker', storeIds: [] });
    if (created.status !== 'created') throw new Error('create');
    const campaignId = created.campaign.id;
    await setVariant(deps, { brandId, campaignId, key: 'A', language: 'en', text: 'See https://shop.example/oud?x=1 and https://shop.example/musk!' });
    await setAudience(deps, { brandId, campaignId, segmentName: 'All' });
    await requestApproval(deps, { brandId, campaignId, staffId: 'maker' });
    await approveCampaign(deps, { brandId, campaignId, approverId: 'boss', approverRole: 'admin' });
    const pusher = new RecordingPusher();
    registerCampaignJobs(queue, { ...deps, pusher: pusher.push, linkBaseUrl: 'https://crm.example/' });
    await queue.start();
    await startCampaign({ ...deps, queue }, { brandId, campaignId, staffId: 'maker' });
    await eventually(async () => expect((await getCampaign(deps, { brandId, campaignId }))?.status).toBe('completed'));

    const text = pusher.to(chat.chatId)[0]!.reply.text;
    const links = [...text.matchAll(/https:\/\/crm\.example\/l\/([A-Za-z0-9_.-]+)/g)].map((m) => m[1]!.replace(/\.$/, ''));
    expect(links).toHaveLength(2);
    expect(text).toMatch(/^See https:\/\/crm\.example\/l\/\S+ and https:\/\/crm\.example\/l\/\S+!$/);

    const first = await app.inject({ method: 'GET', url: `/l/${links[0]}` });
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe('https://shop.example/oud?x=1');
    const [send] = await handle.db.select().from(schema.campaignSends).where(eq(schema.campaignSends.campaignId, campaignId));
    expect(send?.clickedAt).toEqual(clock.now());
    clock.advance(60_000);
    const second = await app.inject({ method: 'GET', url: `/l/${links[1]}` });
    expect(second.headers.location).toBe('https://shop.example/musk');
    const [after] = await handle.db.select().from(schema.campaignSends).where(eq(schema.campaignSends.campaignId, campaignId));
    expect(after?.clickedAt).toEqual(send?.clickedAt);
    expect((await campaignStats(deps, { brandId, campaignId }))?.byVariant[0]).toMatchObject({ sent: 1, clicked: 1 });

    // Malformed, unknown send, unknown link, and a real send with another campaign's link: all 404, never a redirect.
    const linkId = Number(links[0]!.split('.')[1]);
    const [otherCampaign] = await handle.db.insert(schema.campaigns).values({ brandId, name: 'other', createdBy: 'x' }).returning();
    const [otherLink] = await handle.db.insert(schema.campaignLinks).values({ campaignId: otherCampaign!.id, url: 'https://evil.example' }).returning();
    for (const code of ['nope', 'https:%2F%2Fevil.example', encodeLinkCode(randomUUID(), linkId), encodeLinkCode(send!.id, 999_999), encodeLinkCode(send!.id, otherLink!.id), `${links[0]}0`]) {
      const res = await app.inject({ method: 'GET', url: `/l/${code}` });
      expect(res.statusCode).toBe(404);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    }
  });
});
