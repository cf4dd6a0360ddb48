// WeChat posts flat XML (`<xml><ToUserName><![CDATA[gh_…]]></ToUserName>…</xml>`). This parser reads exactly that and
// nothing more: no DTDs, no entity declarations, no external references (XXE, "billion laughs"), a size cap, and
// only the five predefined entities and numeric character references. No XML library is involved, so none can be
// configured to resolve entities by mistake.

/** Largest body the parser accepts, in bytes (WeChat's messages are a few hundred bytes). */
export const WECHAT_XML_LIMIT = 64 * 1024;

// Nested containers (e.g. ScanCodeInfo, SendPicsInfo) are parsed for well-formedness but not returned.
const MAX_DEPTH = 8;

/** XML the parser refuses; the webhook answers 400. */
export class WechatXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatXmlError';
  }
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*/;

/**
 * Parses `<xml>…</xml>` into its top-level leaf elements (name → text). Throws `WechatXmlError` on anything else:
 * a DOCTYPE or ENTITY declaration, an unknown entity, a duplicate top-level field, mismatched tags, trailing content.
 */
export function parseWechatXml(input: string | Buffer): Record<string, string> {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > WECHAT_XML_LIMIT) throw new WechatXmlError(`XML body over ${WECHAT_XML_LIMIT} bytes`);
  const xml = typeof input === 'string' ? input : input.toString('utf8');
  // Checked up front, anywhere in the document (also inside what would be text), so no later branch can reach one.
  if (/<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i.test(xml)) throw new WechatXmlError('DTD and entity declarations are not allowed');

  let pos = 0;
  const skipSpace = () => {
    while (pos < xml.length && /\s/.test(xml[pos]!)) pos++;
  };
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (xml.startsWith('<?', pos)) {
        const end = xml.indexOf('?>', pos + 2);
        if (end < 0) throw new WechatXmlError('unterminated processing instruction');
        pos = end + 2;
      } else if (xml.startsWith('<!--', pos)) {
        const end = xml.indexOf('-->', pos + 4);
        if (end < 0) throw new WechatXmlError('unterminated comment');
        pos = end + 3;
      } else return;
    }
  };

  const readName = (): string => {
    const m = NAME.exec(xml.slice(pos, pos + 256));
    if (!m) throw new WechatXmlError(`expected a tag name at ${pos}`);
    pos += m[0].length;
    return m[0];
  };

  /** Reads `<name attrs…>` or `<name/>`; attributes are skipped (WeChat sends none). Returns [name, selfClosing]. */
  const readOpenTag = (): [string, boolean] => {
    if (xml[pos] !== '<') throw new WechatXmlError(`expected '<' at ${pos}`);
    pos++;
    const name = readName();
    const end = xml.indexOf('>', pos);
    if (end < 0) throw new WechatXmlError('unterminated tag');
    const rest = xml.slice(pos, end);
    if (/[<&]/.test(rest)) throw new WechatXmlError('malformed tag');
    pos = end + 1;
    return [name, rest.trimEnd().endsWith('/')];
  };

  const readCloseTag = (name: string) => {
    if (!xml.startsWith(`</${name}`, pos)) throw new WechatXmlError(`expected </${name}> at ${pos}`);
    pos += name.length + 2;
    skipSpace();
    if (xml[pos] !== '>') throw new WechatXmlError(`malformed </${name}>`);
    pos++;
  };

  /** Reads an element's content after its open tag. Returns its text, or null when it holds child elements. */
  const readContent = (name: string, depth: number): string | null => {
    if (depth > MAX_DEPTH) throw new WechatXmlError('XML nested too deeply');
    let text = '';
    let hasChildren = false;
    for (;;) {
      if (pos >= xml.length) throw new WechatXmlError(`unterminated <${name}>`);
      if (xml.startsWith('<![CDATA[', pos)) {
        const end = xml.indexOf(']]>', pos + 9);
        if (end < 0) throw new WechatXmlError('unterminated CDATA');
        text += xml.slice(pos + 9, end);
        pos = end + 3;
      } else if (xml.startsWith('<!--', pos)) {
        const end = xml.indexOf('-->', pos + 4);
        if (end < 0) throw new WechatXmlError('unterminated comment');
        pos = end + 3;
      } else if (xml.startsWith('</', pos)) {
        readCloseTag(name);
        return hasChildren ? null : text;
      } else if (xml.startsWith('<!', pos) || xml.startsWith('<?', pos)) {
        throw new WechatXmlError('markup declarations are not allowed');
      } else if (xml[pos] === '<') {
        hasChildren = true;
        const [child, selfClosing] = readOpenTag();
        if (!selfClosing) readContent(child, depth + 1);
      } else {
        const next = xml.indexOf('<', pos);
        const raw = xml.slice(pos, next < 0 ? xml.length : next);
        text += decodeEntities(raw);
        pos += raw.length;
      }
    }
  };

  skipMisc();
  const [root, rootClosed] = readOpenTag();
  if (root !== 'xml') throw new WechatXmlError('root element must be <xml>');
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!rootClosed) {
    for (;;) {
      skipSpace();
      if (xml.startsWith('<!--', pos)) {
        skipMisc();
        continue;
      }
      if (xml.startsWith('</', pos)) {
        readCloseTag('xml');
        break;
      }
      if (pos >= xml.length) throw new WechatXmlError('unterminated <xml>');
      if (xml[pos] !== '<') throw new WechatXmlError('text outside a field');
      const [name, selfClosing] = readOpenTag();
      const value = selfClosing ? '' : readContent(name, 2);
      if (Object.prototype.hasOwnProperty.call(fields, name)) throw new WechatXmlError(`duplicate field ${name}`);
      if (value !== null) fields[name] = value;
    }
  }
  skipMisc();
  if (pos !== xml.length) throw new WechatXmlError('content after </xml>');
  return { ...fields };
}

function decodeEntities(raw: string): string {
  return raw.replace(/&([^;&\s]{0,10});?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new WechatXmlError('bare & in text');
    if (ref in PREDEFINED) return PREDEFINED[ref]!;
    const m = /^#(x[0-9A-Fa-f]{1,6}|[0-9]{1,7})$/.exec(ref);
    if (m) {
      const code = m[1]!.startsWith('x') ? parseInt(m[1]!.slice(1), 16) : parseInt(m[1]!, 10);
      if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) return String.fromCodePoint(code);
    }
    throw new WechatXmlError('unknown entity');
  });
}

/** Builds WeChat's flat XML from fields: strings as CDATA (a `]]>` inside is split across two sections), numbers plain. */
export function buildWechatXml(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => {
      if (!NAME.test(name) || NAME.exec(name)![0] !== name) throw new Error(`invalid XML field name ${name}`);
      const content = typeof value === 'number' ? String(value) : `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
      return `<${name}>${content}</${name}>`;
    })
    .join('');
  return `<xml>${body}</xml>`;
}
