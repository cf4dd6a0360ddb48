// Download links for files made for staff (core/reports staff files): `GET /files/:token` answers the file while its
// link is valid, and 404 otherwise (unknown, expired, another brand's: all alike, so a probe learns nothing). The
// token is the only credential (256 random bits): anyone holding the link gets the file, as with a chat attachment,
// which is why links are short-lived and the answer is never cached or sniffed into something else.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ReplyAttachment } from '../../core/conversation/index.js';
import { createStaffFile, takeStaffFile } from '../../core/reports/index.js';
import type { CoreDeps } from '../../core/shared/index.js';
import { errorBody } from './errors.js';

/** Where the route lives. */
export const STAFF_FILES_PATH = '/files';

/** What the staff-files route needs. */
export interface StaffFilesOptions {
  deps: CoreDeps;
  /** When set, only this brand's files are served. */
  brandId?: string;
}

const params = z.object({ token: z.string().max(200) });
// A type we store is sent as is only when it looks like one (type/subtype): never a header injection.
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/i;

/** The fastify plugin serving `GET /files/:token`. */
export function staffFilesPlugin(opts: StaffFilesOptions): FastifyPluginAsync {
  return (app) => {
    app.get(`${STAFF_FILES_PATH}/:token`, async (req, reply) => {
      void reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
      const p = params.safeParse(req.params);
      const file = p.success ? await takeStaffFile(opts.deps, { token: p.data.token }) : null;
      if (!file || (opts.brandId !== undefined && file.brandId !== opts.brandId)) {
        return reply.status(404).send(errorBody('NOT_FOUND', 'This link has expired or does not exist.'));
      }
      return reply
        .type(MIME.test(file.mimeType) ? file.mimeType : 'application/octet-stream')
        .header('content-disposition', contentDisposition(file.fileName))
        // Whatever the file holds, it never runs as a page of this origin.
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength));
    });
    return Promise.resolve();
  };
}

/**
 * `attachment` with the name twice: an ASCII fallback (quotes, backslashes, control characters and path separators
 * replaced) and the exact name percent-encoded (RFC 6266 / 5987), which browsers prefer.
 */
export function contentDisposition(fileName: string): string {
  const visible = [...fileName].filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f).join('');
  const base = visible.replace(/[\\/]/g, '_').trim() || 'file';
  const ascii = base.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(base).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Makes download links for staff reply files (the LINE channel's `fileLinks`): stores the file and returns
 * `<publicBaseUrl>/files/<token>`, or null without a public HTTPS address (LINE fetches only HTTPS).
 */
export function staffFileLinker(deps: CoreDeps, opts: { brandId: string; publicBaseUrl: string | undefined; ttlMinutes?: number }): (file: ReplyAttachment) => Promise<string | null> {
  const base = opts.publicBaseUrl?.replace(/\/+$/, '');
  return async (file) => {
    if (!base || !/^https:\/\//i.test(base)) return null;
    const { token } = await createStaffFile(deps, {
      brandId: opts.brandId,
      fileName: file.fileName,
      mimeType: file.mimeType,
      data: file.data,
      ...(opts.ttlMinutes !== undefined ? { ttlMinutes: opts.ttlMinutes } : {}),
    });
    return `${base}${STAFF_FILES_PATH}/${token}`;
  };
}
