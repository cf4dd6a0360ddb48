// WeChat's signatures and "safe mode" message encryption, on node:crypto only.
// Plain mode: signature = sha1(sort([token, timestamp, nonce]).join('')) over the query string: it proves the request
// came from WeChat but does not cover the body. Safe mode: msg_signature also covers the encrypted body, which is
// AES-256-CBC with the key from EncodingAESKey, IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks, and
// plaintext = 16 random bytes + 4-byte big-endian length + XML + appId.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BLOCK = 32;

/** A signature or ciphertext that does not check out; the webhook answers 401. */
export class WechatAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatAuthError';
  }
}

/** sha1 of the parts sorted and concatenated, as hex: WeChat's `signature` (3 parts) and `msg_signature` (4 parts). */
export function wechatSignature(parts: readonly string[]): string {
  return createHash('sha1').update([...parts].sort().join(''), 'utf8').digest('hex');
}

/** Constant-time comparison of a received signature with the expected one. */
export function signatureMatches(received: string | undefined, parts: readonly string[]): boolean {
  if (typeof received !== 'string') return false;
  // Hashing both sides gives equal lengths, so timingSafeEqual never throws and leaks no length.
  const a = createHash('sha256').update(received.toLowerCase()).digest();
  const b = createHash('sha256').update(wechatSignature(parts)).digest();
  return timingSafeEqual(a, b);
}

/** The AES key from a 43-character EncodingAESKey; throws when it does not decode to 32 bytes. */
export function aesKeyFrom(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new Error('WECHAT_ENCODING_AES_KEY must be 43 characters of base64');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('WECHAT_ENCODING_AES_KEY must decode to 32 bytes');
  return key;
}

/** Decrypts a safe-mode `Encrypt` value and checks it was meant for `appId`; returns the inner XML. */
export function decryptMessage(key: Buffer, appId: string, encrypted: string): string {
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    // WeChat pads to 32-byte blocks, which OpenSSL's PKCS#7 (16-byte blocks for AES) would reject.
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  } catch {
    throw new WechatAuthError('encrypted message cannot be decrypted');
  }
  const pad = plain.at(-1) ?? 0;
  if (pad < 1 || pad > BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
    throw new WechatAuthError('encrypted message has bad padding');
  }
  const content = plain.subarray(16, plain.length - pad);
  if (content.length < 4) throw new WechatAuthError('encrypted message too short');
  const length = content.readUInt32BE(0);
  if (length > content.length - 4) throw new WechatAuthError('encrypted message length out of range');
  const receivedAppId = content.subarray(4 + length).toString('utf8');
  if (receivedAppId !== appId) throw new WechatAuthError('encrypted message is for another app');
  return content.subarray(4, 4 + length).toString('utf8');
}

/** Encrypts XML the way WeChat does (for passive encrypted replies and for the tests' fake platform). */
export function encryptMessage(key: Buffer, appId: string, xml: string, random: Buffer = randomBytes(16)): string {
  const body = Buffer.from(xml, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const unpadded = Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]);
  const pad = BLOCK - (unpadded.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([unpadded, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}
