// /readyz reports the database and, when configured, Redis: ready only when every dependency answers.
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../helpers/test-app.js';

const redisUrl = process.env.REDIS_URL;

describe('readiness', () => {
  it.runIf(redisUrl)('is ready with the real Redis', async () => {
    const t = await startTestApp('pglite', { REDIS_URL: redisUrl! });
    try {
      const res = await fetch(`${t.app.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
    } finally {
      await t.close();
    }
  });

  it('is not ready (503) while Redis is unreachable, and chat still works', async () => {
    const t = await startTestApp('pglite', { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await fetch(`${t.app.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'not_ready', checks: { database: 'ok', redis: 'unavailable' } });
      const chat = await fetch(`${t.app.url}/api/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId: 'redis-down-0001', messageId: 'redis-down-msg-1', text: 'hi' }),
      });
      expect(chat.status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
