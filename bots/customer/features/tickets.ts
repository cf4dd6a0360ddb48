// Support tickets from the chat (core/tickets): "I have a problem" opens a short form (category, store or order
// reference, description), "what's the status of my ticket" answers from the customer's tickets. The team chat hears of
// each new ticket after the turn commits; an urgent one (by the priority rules) also brings a person in.
import { and, eq } from 'drizzle-orm';
import type { Reply } from '../../../core/conversation/index.js';
import { createTicket, ticketStatusForCustomer, type Ticket, type TicketStatus } from '../../../core/tickets/index.js';
import { schema } from '../../../db/index.js';
import type { LocalizedText } from '../../../db/schema.js';
import { createFuzzyMatcher, normalizeText, scoreSentiment, toLatinDigits } from '../../../nlu/index.js';
import { startForm, type FieldOutcome, type FieldValue, type FormField, type FormSpec } from '../forms/form-engine.js';
import { formatDateTime, TICKET_CATEGORIES, type TicketCategory, type TicketStatusLine } from '../i18n/index.js';
import { menuReply, say, type TurnContext } from '../turn-context.js';
import { enrollmentForm } from './enrollment.js';
import { handOver } from './handoff.js';
import { localized } from './rewards.js';

/** Button payload prefix of a category: `form:category:points`. */
export const CATEGORY_PAYLOAD = 'form:category:';
/** Button payload prefix of a store offered as the reference: `form:store:<uuid>`. */
const STORE_PAYLOAD = 'form:store:';
// Stores offered as buttons when the brand has this many or fewer (more are matched by name only).
const MAX_STORE_BUTTONS = 4;
// The store list kept in the form's state for matching names without a query per message.
const MAX_STORES_MATCHED = 50;
const MAX_DESCRIPTION = 2_000;
// What counts as a described problem in the message that opened the form: this many letters (Han characters count
// three) once the generic complaint words are taken out. "I want to complain" has none left and is asked; "the cashier
// was rude" has 14 and is used as it is.
const MIN_DESCRIBED_LETTERS = 10;
// Words that say "there is a problem" without saying which (normalized: lower case, Arabic folded).
const GENERIC_WORDS =
  /\b(?:i|i'm|im|i've|have|has|had|got|want|wanna|would|like|need|to|a|an|the|my|make|file|raise|open|lodge|submit|complain|complaining|complaint|complaints|problem|problems|issue|issues|there|is|was|with|about|please|pls|hi|hello|hey|help|can|you|some|something|wrong)\b|(?:^|\s)(?:عندي|عندنا|ابي|ابغي|اريد|بدي|ودي|اقدم|اشتكي|شكوي|مشكله|مشكلة|في|فيه|عن|من|لو|سمحت|مرحبا|السلام|عليكم|يا|اخوي|ممكن)(?=\s|$)|我|要|想|有|個|一|投訴|客訴|問題|申訴|請問|你好|您好|幫|忙/gu;

/** Why a ticket-status question names a ticket: its number, or null for "my tickets". */
export interface TicketStatusRequest {
  ticketId: number | null;
}

// "ticket 12", "ticket #12", "تذكرة رقم 12", "工單12": a number after a ticket word.
const NUMBERED = /\b(?:ticket|complaint|case)\s*(?:no\.?|number|#)?\s*#?\s*(\d{1,9})\b|(?:تذكره|شكوي|بلاغ)\s*(?:رقم)?\s*#?\s*(\d{1,9})|(?:工單|工单|案件|投訴|投诉)\s*(?:編號|编号)?\s*#?\s*(\d{1,9})/u;
// A ticket word next to a status word, both ways round, or "where is / what happened to my ticket". Possessive or
// definite forms in Arabic, so "أبي أقدم شكوى، وين أروح" (I want to complain, where do I go) is not a status question.
const STATUS_PATTERNS: readonly RegExp[] = [
  /\b(?:status|progress|updates?|news)\s+(?:of|on|for|about|with)?\s*(?:my|the|our)?\s*(?:ticket|complaint|case)s?\b/u,
  /\b(?:ticket|complaint|case)s?\s+(?:status|progress|updates?)\b/u,
  /\b(?:where|what happened|what's happening|any news|any update|heard back)\b.*\b(?:my|the)\s+(?:ticket|complaint|case)s?\b/u,
  /(?:شكوتي|شكواي|شكاويي|الشكوي|تذكرتي|التذكره|تذاكري|بلاغي)[\s\S]*?(?:وين|فين|صار|حاله|متابعه|اخبار|وصلت|مصير|تطور|وضع)|(?:وين|فين|صار|حاله|متابعه|اخبار|وصلت|مصير|تطور|وضع)[\s\S]*?(?:شكوتي|شكواي|الشكوي|تذكرتي|التذكره|تذاكري|بلاغي)/u,
  /(?:工單|工单|投訴|投诉|客訴|個案|案件|申訴)[\s\S]*?(?:進度|进度|狀態|状态|狀況|处理到|處理到|處理得|怎樣了|怎麼樣了|如何了|有結果|結果如何|跟進)|(?:進度|进度|狀態|状态|狀況)[\s\S]*?(?:工單|工单|投訴|投诉|客訴|個案|案件|申訴)/u,
];

/**
 * Reads "what's the status of my ticket" / "ticket 12" / "وين وصلت شكوتي" / "我的工單進度": exact patterns, not the
 * classifier (its 24 intents have no such one, and a ticket number must be read exactly). Null when it is not one.
 */
export function ticketStatusRequest(text: string): TicketStatusRequest | null {
  const normalized = normalizeText(toLatinDigits(text));
  if (!normalized) return null;
  const numbered = NUMBERED.exec(normalized);
  if (numbered) return { ticketId: Number(numbered[1] ?? numbered[2] ?? numbered[3]) };
  return STATUS_PATTERNS.some((p) => p.test(normalized)) ? { ticketId: null } : null;
}

/** The customer's tickets and where each stands; one ticket when they named its number. */
export async function ticketStatusReplies(ctx: TurnContext): Promise<Reply[]> {
  const wanted = ticketStatusRequest(ctx.text)?.ticketId ?? null;
  if (wanted !== null) {
    const [row] = await ctx.deps.db
      .select()
      .from(schema.tickets)
      .where(and(eq(schema.tickets.id, wanted), eq(schema.tickets.brandId, ctx.brand.id), eq(schema.tickets.customerId, ctx.customer.id)));
    // Someone else's ticket reads exactly like one that does not exist.
    if (!row) return [menuReply(ctx, ctx.t.tickets.notFound(wanted))];
    return [menuReply(ctx, ctx.t.tickets.status([statusLine(ctx, row)]))];
  }
  const tickets = await ticketStatusForCustomer(ctx.deps, { brandId: ctx.brand.id, customerId: ctx.customer.id });
  if (tickets.length === 0) return [menuReply(ctx, ctx.t.tickets.none)];
  return [menuReply(ctx, ctx.t.tickets.status(tickets.map((t) => statusLine(ctx, t))))];
}

function statusLine(ctx: TurnContext, t: { id: number; category: string; status: string; createdAt: Date }): TicketStatusLine {
  return { id: t.id, category: categoryLabel(ctx, t.category), status: t.status as TicketStatus, createdAt: t.createdAt };
}

function categoryLabel(ctx: TurnContext, category: string): string {
  return (TICKET_CATEGORIES as readonly string[]).includes(category) ? ctx.t.tickets.category[category as TicketCategory] : category;
}

/**
 * "I have a problem": the ticket form, with the message itself as the description when it describes something. An upset
 * customer is not walked through a form: what they wrote becomes the ticket and a person takes over.
 */
export async function supportReplies(ctx: TurnContext, upset: boolean): Promise<Reply[]> {
  if (upset) {
    const ticket = await openTicket(ctx, { category: 'other', description: ctx.text });
    return handOver(ctx, 'sentiment', [ctx.t.handoff.upset, ctx.t.tickets.createdFromMessage(ticket.id)]);
  }
  // One form at a time: a sign-up under way is not thrown away for the ticket (its question comes back after this).
  if (ctx.state.form?.id === enrollmentForm.id) return [say(ctx, ctx.t.tickets.afterSignUp)];
  const stores = await ctx.deps.db
    .select({ id: schema.stores.id, code: schema.stores.code, name: schema.stores.name })
    .from(schema.stores)
    .where(eq(schema.stores.brandId, ctx.brand.id))
    .orderBy(schema.stores.code)
    .limit(MAX_STORES_MATCHED);
  const initial: Record<string, FieldValue> = { stores: JSON.stringify(stores) };
  if (describesProblem(ctx.text)) initial.description = ctx.text.slice(0, MAX_DESCRIPTION);
  return startForm(ctx, ticketForm, initial);
}

/** True when a message says what went wrong, not only that something did. */
export function describesProblem(text: string): boolean {
  if (!text || text.startsWith('/')) return false;
  const rest = normalizeText(text).replace(GENERIC_WORDS, ' ');
  const han = (rest.match(/\p{Script=Han}/gu) ?? []).length;
  const letters = (rest.match(/\p{L}/gu) ?? []).length - han;
  return letters + 3 * han >= MIN_DESCRIBED_LETTERS;
}

interface StoreChoice {
  id: string;
  code: string;
  name: LocalizedText;
}

function storesOf(ctx: TurnContext): StoreChoice[] {
  return parseStores(ctx.state.form?.values.stores);
}

function parseStores(value: FieldValue | undefined): StoreChoice[] {
  try {
    const parsed = JSON.parse(typeof value === 'string' ? value : '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as StoreChoice[]) : [];
  } catch {
    return [];
  }
}

/** What the reference answer held: a store of the brand, an order or receipt number, and anything else said. */
interface Reference {
  storeId?: string;
  order?: string;
  note?: string;
}

// An order or receipt number: a token of letters, digits and dashes with at least three digits ("INV-1234", "#884201").
const ORDER_TOKEN = /^#?([A-Za-z0-9][A-Za-z0-9\-_/]{2,39})$/;

function orderNumberIn(text: string): string | undefined {
  for (const token of toLatinDigits(text).split(/[\s,;:()（），、]+/)) {
    const m = ORDER_TOKEN.exec(token);
    if (m && (m[1]!.match(/\d/g) ?? []).length >= 3) return m[1]!;
  }
  return undefined;
}

const categoryField: FormField = {
  name: 'category',
  freeText: false,
  ask: (ctx) => [
    say(ctx, ctx.t.tickets.askCategory, {
      buttons: [...TICKET_CATEGORIES.map((c) => ({ label: ctx.t.tickets.category[c], payload: `${CATEGORY_PAYLOAD}${c}` })), { label: ctx.t.buttons.cancel, payload: 'form:cancel' }],
    }),
  ],
  accept: (ctx, { payload }) => {
    const category = payload?.startsWith(CATEGORY_PAYLOAD) ? payload.slice(CATEGORY_PAYLOAD.length) : null;
    if (category && (TICKET_CATEGORIES as readonly string[]).includes(category)) return { kind: 'ok', value: category };
    return { kind: 'retry', replies: [say(ctx, ctx.t.tickets.pickCategory)] };
  },
};

const referenceField: FormField = {
  name: 'reference',
  // Not free text for the engine: a store name often reads as a store question, and must be taken as the answer.
  freeText: false,
  ask: (ctx) => {
    const stores = storesOf(ctx);
    const storeButtons = stores.length <= MAX_STORE_BUTTONS ? stores.map((s) => ({ label: localized(ctx, s.name) || s.code, payload: `${STORE_PAYLOAD}${s.id}` })) : [];
    return [say(ctx, ctx.t.tickets.askReference, { buttons: [...storeButtons, { label: ctx.t.buttons.skip, payload: 'form:skip' }] })];
  },
  accept: (ctx, { text, payload, understood }): FieldOutcome => {
    if (payload === 'form:skip' || understood.intent === 'deny') return { kind: 'ok', value: null };
    const stores = storesOf(ctx);
    if (payload?.startsWith(STORE_PAYLOAD)) {
      const store = stores.find((s) => s.id === payload.slice(STORE_PAYLOAD.length));
      return store ? { kind: 'ok', value: JSON.stringify({ storeId: store.id } satisfies Reference) } : { kind: 'retry', replies: [] };
    }
    if (!text) return { kind: 'retry', replies: [] };
    const ref: Reference = {};
    const matched = createFuzzyMatcher(stores.map((s) => ({ id: s.id, names: [...Object.values(s.name).filter((n): n is string => typeof n === 'string' && n !== ''), s.code] }))).match(text);
    if (matched) ref.storeId = matched.id;
    const order = orderNumberIn(text);
    if (order) ref.order = order;
    if (!matched && !order) {
      // Neither a store nor a number: a clear other request ("what's my balance") is answered and the question comes
      // back; anything else ("the one near my office") is kept as it was said.
      if (understood.intent !== 'none' && understood.intent !== 'support' && understood.confidence >= 0.5) return { kind: 'retry', replies: [] };
      ref.note = text.slice(0, 200);
    }
    return { kind: 'ok', value: JSON.stringify(ref) };
  },
};

const descriptionField: FormField = {
  name: 'description',
  // Any words are the description: descriptions mention points and vouchers, which must not read as requests.
  freeText: false,
  ask: (ctx) => [say(ctx, ctx.t.tickets.askDescription, { buttons: [{ label: ctx.t.buttons.cancel, payload: 'form:cancel' }] })],
  skip: (ctx) => {
    const given = ctx.state.form?.values.description;
    return typeof given === 'string' && given ? { value: given } : null;
  },
  accept: (ctx, { text }) => {
    const letters = (text.match(/\p{L}/gu) ?? []).length;
    return letters >= 3 ? { kind: 'ok', value: text.slice(0, MAX_DESCRIPTION) } : { kind: 'retry', replies: [say(ctx, ctx.t.tickets.invalidDescription)] };
  },
};

/** The ticket form: category (buttons), store or order reference (optional), description (unless already given). */
export const ticketForm: FormSpec = {
  id: 'ticket',
  intent: 'support',
  fields: [categoryField, referenceField, descriptionField],
  intro: (ctx) => [say(ctx, ctx.t.tickets.intro)],
  cancelled: (ctx) => [menuReply(ctx, ctx.t.tickets.cancelled)],
  resumeText: (ctx) => ctx.t.tickets.resume,
  complete: async (ctx, values) => {
    const ref = parseReference(values.reference);
    const description = String(values.description ?? '');
    const ticket = await openTicket(ctx, {
      category: String(values.category),
      // What the customer said about where it happened travels with the description (no column of its own).
      description: ref.note ? `${description}\n(${ref.note})` : description,
      sentimentOf: description,
      ...(ref.storeId ? { storeId: ref.storeId } : {}),
      ...(ref.order ? { orderReference: ref.order } : {}),
    });
    const store = ref.storeId ? parseStores(values.stores).find((s) => s.id === ref.storeId) : undefined;
    const created = ctx.t.tickets.created({ id: ticket.id, dueBy: await dueBy(ctx, ticket), store: store ? localized(ctx, store.name) : null });
    // By rule: an urgent ticket (a VIP who is upset, a third contact in a week) gets a person now.
    if (ticket.priority === 'urgent') return handOver(ctx, 'rule', [created]);
    return [menuReply(ctx, created)];
  },
};

function parseReference(value: FieldValue | undefined): Reference {
  if (typeof value !== 'string') return {};
  try {
    return JSON.parse(value) as Reference;
  } catch {
    return {};
  }
}

/**
 * Opens a ticket from the chat (sentiment of the customer's words, the conversation, the store) and, after the commit,
 * tells the team chat: number, category, priority and store only (descriptions may hold phone numbers).
 */
async function openTicket(
  ctx: TurnContext,
  input: { category: string; description: string; sentimentOf?: string; storeId?: string; orderReference?: string },
): Promise<Ticket> {
  const ticket = await createTicket(
    ctx.deps,
    {
      brandId: ctx.brand.id,
      customerId: ctx.customer.id,
      conversationId: ctx.conversationId,
      category: input.category,
      description: input.description.slice(0, MAX_DESCRIPTION),
      source: 'chat',
      sentiment: scoreSentiment(input.sentimentOf ?? input.description),
      actor: { type: 'customer', id: ctx.customer.id },
      ...(input.storeId ? { storeId: input.storeId } : {}),
      ...(input.orderReference ? { orderReference: input.orderReference } : {}),
    },
    ctx.ticketPolicy,
  );
  const storeName = ticket.storeId ? await storeNameEn(ctx, ticket.storeId) : null;
  alertTeam(ctx, `New ticket #${ticket.id} · ${ticket.category} · ${ticket.priority} priority${storeName ? ` · ${storeName}` : ''} (from the chat)`);
  return ticket;
}

/** Posts to the team chat after the turn commits (never for a turn that rolled back). */
export function alertTeam(ctx: TurnContext, text: string): void {
  const teamChat = ctx.teamChat;
  if (!teamChat) return;
  ctx.afterCommit.push(async () => {
    await teamChat.post(text);
  });
}

/** The store's name for the team (English, else any). */
export async function storeNameEn(ctx: TurnContext, storeId: string): Promise<string | null> {
  const [store] = await ctx.deps.db.select({ name: schema.stores.name, code: schema.stores.code }).from(schema.stores).where(eq(schema.stores.id, storeId));
  if (!store) return null;
  return store.name.en ?? Object.values(store.name).find((n) => n) ?? store.code;
}

/** The first-response target on the clock of the ticket's store (or the brand's), in the customer's language. */
async function dueBy(ctx: TurnContext, ticket: Ticket): Promise<string> {
  let timeZone: string | undefined;
  if (ticket.storeId) {
    const [store] = await ctx.deps.db.select({ timezone: schema.stores.timezone }).from(schema.stores).where(eq(schema.stores.id, ticket.storeId));
    timeZone = store?.timezone;
  }
  if (!timeZone) {
    const [brand] = await ctx.deps.db.select({ timezone: schema.brands.timezone }).from(schema.brands).where(eq(schema.brands.id, ctx.brand.id));
    timeZone = brand?.timezone ?? 'UTC';
  }
  return formatDateTime(ticket.firstResponseDueAt, ctx.lang, timeZone);
}
