import { describe, expect, it } from 'vitest';
import { buildWechatXml, parseWechatXml, WECHAT_XML_LIMIT, WechatXmlError } from './wechat.xml.js';

// WeChat's documentation example of a text message.
const DOC_TEXT = `<xml>
  <ToUserName><![CDATA[toUser]]></ToUserName>
  <FromUserName><![CDATA[fromUser]]></FromUserName>
  <CreateTime>1348831860</CreateTime>
  <MsgType><![CDATA[text]]></MsgType>
  <Content><![CDATA[this is a test]]></Content>
  <MsgId>1234567890123456</MsgId>
</xml>`;

describe('parseWechatXml', () => {
  it('reads the documented text message: CDATA and plain fields', () => {
    expect(parseWechatXml(DOC_TEXT)).toEqual({
      ToUserName: 'toUser',
      FromUserName: 'fromUser',
      CreateTime: '1348831860',
      MsgType: 'text',
      Content: 'this is a test',
      MsgId: '1234567890123456',
    });
  });

  it('accepts an XML declaration, comments, predefined and numeric entities, empty and self-closing fields', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><!-- hi --><xml><A>a &lt;b&gt; &amp; &#20320;&#x597D;</A><B></B><C/></xml>`;
    expect(parseWechatXml(xml)).toEqual({ A: 'a <b> & 你好', B: '', C: '' });
  });

  it('keeps markup-like text inside CDATA as text, and reads a Buffer as UTF-8', () => {
    expect(parseWechatXml(Buffer.from('<xml><Content><![CDATA[<b>&amp; 你好 مرحبا]]></Content></xml>'))).toEqual({ Content: '<b>&amp; 你好 مرحبا' });
  });

  it('skips nested containers (ScanCodeInfo) but still checks them', () => {
    const xml = '<xml><Event><![CDATA[scancode_push]]></Event><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType></ScanCodeInfo></xml>';
    expect(parseWechatXml(xml)).toEqual({ Event: 'scancode_push' });
    expect(() => parseWechatXml('<xml><A><B>x</A></B></xml>')).toThrow(WechatXmlError);
  });

  it.each([
    ['an external entity (XXE)', '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>'],
    ['billion laughs', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><xml><A>&lol2;</A></xml>'],
    ['a lowercase doctype', '<!doctype xml><xml></xml>'],
    ['an undeclared entity', '<xml><A>&nbsp;</A></xml>'],
    ['a bare ampersand', '<xml><A>a & b</A></xml>'],
    ['an out-of-range character reference', '<xml><A>&#xD800;</A></xml>'],
    ['another root', '<message><A>x</A></message>'],
    ['a duplicate field', '<xml><MsgType>text</MsgType><MsgType>event</MsgType></xml>'],
    ['an unterminated field', '<xml><A>x</xml>'],
    ['an unterminated CDATA', '<xml><A><![CDATA[x</A></xml>'],
    ['trailing content', '<xml></xml><xml></xml>'],
    ['text outside fields', '<xml>hello<A>x</A></xml>'],
    ['nothing', ''],
    ['JSON', '{"MsgType":"text"}'],
    ['deep nesting', `<xml><A>${'<B>'.repeat(20)}x${'</B>'.repeat(20)}</A></xml>`],
  ])('rejects %s', (_name, xml) => {
    expect(() => parseWechatXml(xml)).toThrow(WechatXmlError);
  });

  it('rejects a body over the size cap before parsing it', () => {
    const big = `<xml><Content><![CDATA[${'a'.repeat(WECHAT_XML_LIMIT)}]]></Content></xml>`;
    expect(() => parseWechatXml(big)).toThrow(/over 65536 bytes/);
  });

  it('does not let a field named like an Object property pollute the result', () => {
    const fields = parseWechatXml('<xml><__proto__>x</__proto__><constructor>y</constructor></xml>');
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(fields.constructor).toBe('y');
  });
});

describe('buildWechatXml', () => {
  it('round-trips through the parser, including a "]]>" inside the text', () => {
    const fields = { ToUserName: 'gh_1', CreateTime: 1, Content: 'a ]]> b <c> & 你好' };
    expect(parseWechatXml(buildWechatXml(fields))).toEqual({ ToUserName: 'gh_1', CreateTime: '1', Content: 'a ]]> b <c> & 你好' });
  });

  it('refuses a field name that is not an XML name', () => {
    expect(() => buildWechatXml({ 'a b': 'x' })).toThrow(/invalid XML field name/);
  });
});
