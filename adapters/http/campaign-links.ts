// GET /l/:code: a tracked campaign link. Records the first click on the send and redirects (302) to the campaign's
// stored URL; anything unknown or malformed is a plain 404 page, so the route can never be used as an open redirect.
import type { FastifyPluginAsync } from 'fastify';
import { resolveTrackedLink } from '../../core/campaigns/index.js';
import type { CoreDeps } from '../../core/shared/index.js';

/** Where tracked links live (`${linkBaseUrl}/l/<code>`). */
export const CAMPAIGN_LINK_PREFIX = '/l';

const NOT_FOUND_PAGE = '<!doctype html><meta charset="utf-8"><title>Link not found</title><p>This link is not valid or has expired.</p>';

/** The tracked-link route. */
export function campaignLinksPlugin(opts: { deps: CoreDeps }): FastifyPluginAsync {
  return (fastify) => {
    fastify.get<{ Params: { code: string } }>(`${CAMPAIGN_LINK_PREFIX}/:code`, async (request, reply) => {
      const code = request.params.code;
      const target = code.length <= 64 ? await resolveTrackedLink(opts.deps, { code }) : null;
      // Links are per recipient: no caching by shared proxies, no referrer to the target.
      void reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer');
      if (!target) return reply.code(404).type('text/html; charset=utf-8').send(NOT_FOUND_PAGE);
      return reply.redirect(target.url, 302);
    });
    return Promise.resolve();
  };
}
