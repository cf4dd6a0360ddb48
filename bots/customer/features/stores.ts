// "Where are you / when do you open": hours from the knowledge base when it knows them; otherwise, and for "where",
// the store list from the database, narrowed to the store (or city) the customer names when one matches.
import { asc, eq } from 'drizzle-orm';
import type { Reply } from '../../../core/conversation/index.js';
import { schema } from '../../../db/index.js';
import { answerFromKnowledge } from '../../../knowledge/index.js';
import { createFuzzyMatcher } from '../../../nlu/index.js';
import { knowledgeReply, menuReply, type TurnContext } from '../turn-context.js';
import { localized } from './rewards.js';

// Enough for a chat message; a brand with more stores should put a store finder in its knowledge base.
const MAX_LISTED_STORES = 15;

/** Opening hours and locations. */
export async function storeReplies(ctx: TurnContext): Promise<Reply[]> {
  // Hours are in the knowledge base (the database has no opening hours); "where" is the store list. An hours question
  // says so in the query too: "幾點開門" shares no word with a page titled 營業時間 (opening hours), and the offline
  // embedder only sees shared words.
  if (ctx.knowledge && ctx.text && ctx.t.stores.hoursWords.test(ctx.text)) {
    const query = `${ctx.text} ${ctx.t.stores.searchHint}`;
    const found = await answerFromKnowledge(ctx.deps, { brandId: ctx.brand.id, language: ctx.lang, query, embedder: ctx.knowledge });
    if (found.confident) return [knowledgeReply(ctx, found.answer, found.sourceTitle ?? found.title)];
  }
  const stores = await ctx.deps.db
    .select({ id: schema.stores.id, name: schema.stores.name, city: schema.stores.city })
    .from(schema.stores)
    .where(eq(schema.stores.brandId, ctx.brand.id))
    .orderBy(asc(schema.stores.code));
  if (stores.length === 0) return [menuReply(ctx, ctx.t.stores.none)];
  const named = ctx.text ? createFuzzyMatcher(stores.map((s) => ({ id: s.id, names: [...Object.values(s.name), s.city] }))).match(ctx.text) : null;
  // A city named matches every store there, not just the first.
  const shown = named ? stores.filter((s) => s.id === named.id || s.city === named.name) : stores.slice(0, MAX_LISTED_STORES);
  return [menuReply(ctx, ctx.t.stores.list(shown.map((s) => ({ name: localized(ctx, s.name), city: s.city }))))];
}
