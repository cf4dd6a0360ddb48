// A click on a tracked link: the code names the send (its random id is the capability) and the campaign link; the
// first click is recorded on the send, and the caller redirects to the link's URL. Only URLs stored as the campaign's
// links are ever returned, and only for a send of that same campaign: never an open redirect.
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import { decodeLinkCode } from './link-code.js';
import { isHttpUrl } from './template.js';

/** Records a click and returns where the link goes; null for an unknown or malformed code. */
export async function resolveTrackedLink(deps: CoreDeps, input: { code: string }): Promise<{ url: string } | null> {
  const decoded = decodeLinkCode(input.code);
  if (!decoded) return null;
  const [row] = rowsOf<{ url: string }>(
    await deps.db.execute(sql`
      with link as (
        select l."url" from "campaign_links" l join "campaign_sends" s on s."campaign_id" = l."campaign_id"
        where l."id" = ${decoded.linkId} and s."id" = ${decoded.sendId}::uuid
      ), clicked as (
        update "campaign_sends" set "clicked_at" = ${deps.clock.now().toISOString()}::timestamptz
        where "id" = ${decoded.sendId}::uuid and "clicked_at" is null and exists (select 1 from link)
        returning 1
      )
      select "url" from link`),
  );
  return row && isHttpUrl(row.url) ? { url: row.url } : null;
}
