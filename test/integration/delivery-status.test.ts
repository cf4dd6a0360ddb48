// Receipts from a platform (WhatsApp's statuses) name our message by the platform's id: they move it forward only.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markDelivery, recordDeliveryStatus } from '../../core/conversation/index.js';
import { silentLog, systemClock, type CoreDeps } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { testDbKinds } from '../helpers/test-db.js';
import { startTestApp, WebChatClient, type TestApp } from '../helpers/test-app.js';

describe.each(testDbKinds)('delivery receipts on %s', (kind) => {
  let t: TestApp;
  const deps = (): CoreDeps => ({ db: t.app.db.db, clock: systemClock, log: silentLog });
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records delivered and read in order, ignores a late "delivered", and knows nothing of unknown ids', async () => {
    const c = new WebChatClient(() => t.app);
    const [reply] = await c.send({ text: 'hi' });
    expect(reply).toBeDefined();
    const [out] = await t.app.db.db.select().from(schema.messages).where(and(eq(schema.messages.direction, 'out'), eq(schema.messages.text, reply!.text)));
    await markDelivery(deps(), out!.id, { platformMessageId: 'wamid.TEST1' });
    const status = async () => (await t.app.db.db.select().from(schema.messages).where(eq(schema.messages.id, out!.id)))[0]!.status;
    const receipt = (s: 'delivered' | 'read' | 'failed') => recordDeliveryStatus(deps(), { brandId: 'demo', channel: 'web', platformMessageId: 'wamid.TEST1', status: s });
    expect(await status()).toBe('sent');
    expect(await receipt('delivered')).toBe(true);
    expect(await status()).toBe('delivered');
    expect(await receipt('read')).toBe(true);
    expect(await receipt('delivered')).toBe(true);
    expect(await status()).toBe('read');
    expect(await receipt('failed')).toBe(true);
    expect(await status()).toBe('read');
    expect(await recordDeliveryStatus(deps(), { brandId: 'demo', channel: 'web', platformMessageId: 'wamid.UNKNOWN', status: 'read' })).toBe(false);
  });
});
