import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesKeyFrom, decryptMessage, encryptMessage, signatureMatches, wechatSignature, WechatAuthError } from './wechat.crypto.js';
import { TEST_AES_KEY, TEST_APP_ID } from './wechat.test-support.js';

const key = aesKeyFrom(TEST_AES_KEY);

describe('WeChat signatures', () => {
  it('is sha1 of the sorted parts joined (a known vector)', () => {
    // Order does not matter: the parts are sorted as strings first.
    expect(wechatSignature(['token', '1409659813', '1372623149'])).toBe(wechatSignature(['1372623149', '1409659813', 'token']));
    expect(wechatSignature(['b', 'a', 'c'])).toBe('a9993e364706816aba3e25717850c26c9cd0d89d'); // sha1("abc")
  });

  it('matches case-insensitively and refuses a wrong, missing or truncated signature', () => {
    const parts = ['tok', '1700000000', 'nonce'];
    const good = wechatSignature(parts);
    expect(signatureMatches(good, parts)).toBe(true);
    expect(signatureMatches(good.toUpperCase(), parts)).toBe(true);
    expect(signatureMatches(good.slice(0, 39), parts)).toBe(false);
    expect(signatureMatches(undefined, parts)).toBe(false);
    expect(signatureMatches(wechatSignature(['tok', '1700000001', 'nonce']), parts)).toBe(false);
  });
});

describe('WeChat safe mode', () => {
  it('derives a 32-byte key from the 43-character EncodingAESKey and refuses others', () => {
    expect(key).toHaveLength(32);
    expect(() => aesKeyFrom('short')).toThrow(/43 characters/);
    expect(() => aesKeyFrom(`${TEST_AES_KEY.slice(0, 42)}!`)).toThrow(/43 characters/);
  });

  it('decrypts what it encrypts: random(16) + length + XML + appId, padded to 32-byte blocks', () => {
    const xml = '<xml><Content><![CDATA[你好 مرحبا]]></Content></xml>';
    const encrypted = encryptMessage(key, TEST_APP_ID, xml);
    expect(Buffer.from(encrypted, 'base64').length % 32).toBe(0);
    expect(decryptMessage(key, TEST_APP_ID, encrypted)).toBe(xml);
  });

  it('decrypts a message laid out byte by byte as WeChat documents it (independent of encryptMessage)', () => {
    const xml = Buffer.from('<xml><A>1</A></xml>');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(xml.length);
    const plain = Buffer.concat([Buffer.alloc(16, 7), len, xml, Buffer.from(TEST_APP_ID)]);
    const pad = 32 - (plain.length % 32);
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    cipher.setAutoPadding(false);
    const encrypted = Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
    expect(decryptMessage(key, TEST_APP_ID, encrypted)).toBe('<xml><A>1</A></xml>');
  });

  it('refuses a message for another app, a wrong key, and garbage', () => {
    const encrypted = encryptMessage(key, 'wxOTHERAPP', '<xml/>');
    expect(() => decryptMessage(key, TEST_APP_ID, encrypted)).toThrow(/another app/);
    const otherKey = aesKeyFrom('ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut');
    expect(() => decryptMessage(otherKey, TEST_APP_ID, encryptMessage(key, TEST_APP_ID, '<xml/>'))).toThrow(WechatAuthError);
    expect(() => decryptMessage(key, TEST_APP_ID, 'bm90IGVuY3J5cHRlZA==')).toThrow(WechatAuthError);
    expect(() => decryptMessage(key, TEST_APP_ID, '')).toThrow(WechatAuthError);
  });
});
