import { describe, expect, it } from 'vitest';
import { extractEmails, isEmail } from './email.js';

describe('extractEmails', () => {
  it.each([
    ['plain', 'john@example.com', ['john@example.com']],
    ['lower-cased, trailing full stop dropped', 'Mail: John.Doe@Example.COM.', ['john.doe@example.com']],
    ['plus tag and subdomain', 'user+tag@mail.example.org', ['user+tag@mail.example.org']],
    ['country TLD', 'foo@bar.co.uk, bar@baz.ae', ['foo@bar.co.uk', 'bar@baz.ae']],
    ['glued to Chinese', '我的電郵是abc@gmail.com謝謝', ['abc@gmail.com']],
    ['inside Arabic', 'ايميلي ahmed_1@hotmail.com شكرا', ['ahmed_1@hotmail.com']],
    ['full-width characters', 'ｔｅｓｔ＠ｅｘａｍｐｌｅ．ｃｏｍ', ['test@example.com']],
    ['in angle brackets', '<sara@shop.ae>', ['sara@shop.ae']],
  ])('valid: %s', (_label, text, expected) => {
    expect(extractEmails(text)).toEqual(expected);
  });

  it.each([
    ['no domain dot', 'a@b'],
    ['double dot in local part', 'a..b@x.com'],
    ['one-letter TLD', 'x@y.c'],
    ['two @', 'a@b@c.com'],
    ['label ending with a hyphen', 'me@x-.com'],
    ['numeric TLD', 'me@host.123'],
    ['just an @', '@'],
    ['a handle', '@someone'],
  ])('invalid: %s', (_label, text) => {
    expect(extractEmails(text)).toEqual([]);
  });

  it('validates a single address', () => {
    expect(isEmail('a@b.co')).toBe(true);
    expect(isEmail(`${'a'.repeat(65)}@b.co`)).toBe(false);
  });

  it('finishes quickly on long adversarial input', () => {
    for (const text of ['a.'.repeat(5000) + '@', '@'.repeat(10000), ('a@' + 'b.'.repeat(20)).repeat(200), 'a'.repeat(10000) + '@x']) {
      expect(extractEmails(text)).toEqual([]);
    }
  });
});
