// Voucher and gift card codes travel in the URL path, and a gift card code is a bearer secret: request logs of these
// routes show only its last four characters.
import type { FastifyRequest } from 'fastify';

const CODE_IN_PATH = /(\/(?:vouchers|gift-cards)\/)([^/?#]+)/g;

/** The URL with voucher and gift card codes masked, e.g. `/api/v1/gift-cards/****AB12/validate`. */
export function maskCodesInUrl(url: string): string {
  return url.replace(CODE_IN_PATH, (_m, head: string, code: string) => `${head}****${code.length > 8 ? code.slice(-4) : ''}`);
}

/** The `req` log serializer for routes with a code in the path: fastify's default fields, the URL masked. */
export function maskedRequestSerializer(req: FastifyRequest): Record<string, unknown> {
  return { method: req.method, url: maskCodesInUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}
