// A tracked link's code: the send's random UUID (base64url of its 16 bytes; unguessable, so it is the capability and
// no row per recipient and link is needed) and the campaign link's id. "<22 chars>.<id>".
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CODE = /^([A-Za-z0-9_-]{22})\.([1-9][0-9]{0,15})$/;

/** The code for send `sendId` (a UUID) and campaign link `linkId`. */
export function encodeLinkCode(sendId: string, linkId: number): string {
  if (!UUID.test(sendId)) throw new Error('send id is not a UUID');
  return `${Buffer.from(sendId.replace(/-/g, ''), 'hex').toString('base64url')}.${linkId}`;
}

/** The send id and link id of a code; null for anything malformed. */
export function decodeLinkCode(code: string): { sendId: string; linkId: number } | null {
  const m = CODE.exec(code);
  if (!m) return null;
  const bytes = Buffer.from(m[1]!, 'base64url');
  if (bytes.length !== 16) return null;
  const hex = bytes.toString('hex');
  // Base64url has spare bits in its last character: only the canonical spelling is accepted, so a code is one string.
  if (bytes.toString('base64url') !== m[1]) return null;
  const linkId = Number(m[2]);
  if (!Number.isSafeInteger(linkId)) return null;
  return { sendId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`, linkId };
}
