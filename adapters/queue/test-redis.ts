// Test helpers for queue tests against a real Redis: unique key prefixes and cleanup. Test-only.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** A key prefix unique to this test run, so concurrent runs on one Redis never collide. */
export function testPrefix(label: string): string {
  return `crmtest-${label}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key matching `pattern`, so test runs don't leave Redis growing. */
export async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
