// QR codes for the web chat: the browser gets an image URL on our own origin (the page's CSP allows no other), and
// the route behind it draws only a QR code that the bot itself sent to that session.
import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import type { Reply, ReplyImage } from '../../../core/conversation/index.js';

/** Where the web chat API is mounted (the QR URLs handed to the page point here). */
export const WEBCHAT_API_BASE = '/api/webchat';

/**
 * Names a QR payload without putting it in the URL. The session id travels next to it and already unlocks the
 * whole conversation (codes included) through the history endpoint, so the ref adds nothing an observer of URLs
 * could not already read.
 */
export function qrRef(payload: string): string {
  return createHash('sha256').update(payload).digest('hex').slice(0, 32);
}

/** A PNG of `payload` sized for a phone screen in the chat bubble (drawn crisp, scaled down by CSS). */
export function webQrPng(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 360, color: { dark: '#000000', light: '#ffffff' } });
}

/** What the page receives for an image: a URL it can load, and `kind: 'qr'` so it can style it for scanning. */
export type WebImage = { url: string; alt: string; kind?: 'qr' };

/** An image as the page sees it: a QR code becomes a URL of the QR route for this session. */
export function toWebImage(image: ReplyImage, sessionId: string): WebImage {
  if (!('qr' in image)) return image;
  const query = new URLSearchParams({ sessionId, ref: qrRef(image.qr) });
  return { url: `${WEBCHAT_API_BASE}/qr?${query.toString()}`, alt: image.alt, kind: 'qr' };
}

/** A reply as the page sees it (its image, if any, made loadable). */
export function toWebReply(reply: Reply, sessionId: string): Omit<Reply, 'image'> & { image?: WebImage } {
  const { image, ...rest } = reply;
  return image ? { ...rest, image: toWebImage(image, sessionId) } : rest;
}
