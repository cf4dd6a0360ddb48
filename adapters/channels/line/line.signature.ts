// LINE signs each webhook body with the channel secret: `x-line-signature` = base64(HMAC-SHA256(secret, raw body)).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature LINE would send for `body`. */
export function lineSignature(channelSecret: string, body: Buffer | string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

/**
 * True when `header` is the signature of exactly these bytes. Both sides are decoded to raw digests first, so the
 * comparison is constant-time and never throws on a header of the wrong length or encoding.
 */
export function verifyLineSignature(channelSecret: string, body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || header.length === 0 || header.length > 128) return false;
  const expected = createHmac('sha256', channelSecret).update(body).digest();
  const given = Buffer.from(header, 'base64');
  // Buffer.from ignores junk characters; re-encoding catches a header that only decodes to the right bytes by luck.
  if (given.length !== expected.length || given.toString('base64') !== header) return false;
  return timingSafeEqual(given, expected);
}
