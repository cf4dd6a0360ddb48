import { describe, expect, it } from 'vitest';
import { qrRef, toWebImage, toWebReply, webQrPng } from './webchat.qr.js';

describe('web chat QR images', () => {
  it('turns a QR image into a URL of the QR route that names the payload without containing it', () => {
    const image = toWebImage({ qr: 'K7Q4-X9MD-2P', alt: 'QR' }, 'session-0001');
    expect(image).toEqual({ url: `/api/webchat/qr?sessionId=session-0001&ref=${qrRef('K7Q4-X9MD-2P')}`, alt: 'QR', kind: 'qr' });
    expect(image.url).not.toMatch(/K7Q4/);
    expect(qrRef('K7Q4-X9MD-2P')).toMatch(/^[0-9a-f]{32}$/);
    expect(qrRef('K7Q4-X9MD-2Q')).not.toBe(qrRef('K7Q4-X9MD-2P'));
  });

  it('leaves other replies and URL images alone', () => {
    expect(toWebReply({ text: 'hi', dir: 'ltr' }, 's')).toEqual({ text: 'hi', dir: 'ltr' });
    expect(toWebReply({ text: 'hi', dir: 'ltr', image: { url: 'https://x/y.png', alt: 'y' } }, 's')).toEqual({ text: 'hi', dir: 'ltr', image: { url: 'https://x/y.png', alt: 'y' } });
  });

  it('draws a PNG', async () => {
    const png = await webQrPng('K7Q4-X9MD-2P');
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  });
});
