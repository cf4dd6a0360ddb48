/** The channels a customer can reach the bot on. */
export type ChannelName = 'web' | 'telegram' | 'line' | 'whatsapp' | 'wechat';

/** Languages with a full message catalog. `zh` means Traditional Chinese (zh-Hant). */
export type Language = 'en' | 'ar' | 'zh';

/** Languages the bot speaks, in menu order. */
export const LANGUAGES: readonly Language[] = ['en', 'ar', 'zh'];

/** Media a customer sent that the bot cannot read as text. */
export type MediaKind = 'photo' | 'sticker' | 'voice' | 'audio' | 'video' | 'file' | 'location' | 'other';

/** A platform event normalized by a channel adapter: the only shape the bots see. */
export interface InboundMessage {
  channel: ChannelName;
  /** The platform's stable id for the person (Telegram user id, LINE userId, web session id). */
  externalUserId: string;
  /** Where replies go (Telegram chat id; equals externalUserId on 1:1 channels). */
  chatId: string;
  /** Unique per channel for this delivery; a redelivery carries the same id and is processed once. */
  platformMessageId: string;
  /** What the customer typed, if anything. */
  text?: string;
  /** A button's payload when the customer pressed one instead of typing. */
  payload?: string;
  /** A phone number the platform shared; `verified` when the platform vouches it is the sender's own. */
  contact?: { phone: string; verified: boolean };
  /**
   * The sender's own phone (E.164) when the platform identifies people by it (WhatsApp's wa_id): used to recognise a
   * customer known from another channel or the tills. Not a message content: nothing is asked or stored for it.
   */
  verifiedPhone?: string;
  /** Set when the message is media the bot cannot read. */
  media?: MediaKind;
  /** Name the platform shows for the person, if it gives one. */
  displayName?: string;
  /** The platform's language hint (e.g. Telegram's `language_code`). */
  languageHint?: string;
  timestamp: Date;
}

/** A quick-reply button: `label` is shown, `payload` comes back in `InboundMessage.payload`. */
export interface QuickReply {
  label: string;
  payload: string;
}

/** One message the bot sends; each adapter renders it for its platform. */
export interface Reply {
  text: string;
  /** Text direction, so Arabic renders right to left where the platform lets us say so. */
  dir: 'ltr' | 'rtl';
  buttons?: QuickReply[];
  /** Ask the platform to offer a "share my phone number" button (Telegram request_contact). */
  requestContact?: { label: string };
  image?: ReplyImage;
  /**
   * A file that goes with the text (a stats chart, a segment export). Staff replies only: the team-chat adapters send
   * it (or a link to it) after the text; customer channels ignore it and send the text alone.
   */
  attachment?: ReplyAttachment;
}

/** A file sent with a staff reply: `image/png` is shown as a picture where the platform can, anything else as a file. */
export interface ReplyAttachment {
  fileName: string;
  mimeType: string;
  data: Uint8Array;
}

/**
 * A picture with a reply: one at a URL, or a QR code each channel draws itself from `qr` (a voucher code), so no
 * image has to be hosted and a channel that cannot draw it still has the text.
 */
export type ReplyImage = { url: string; alt: string } | { qr: string; alt: string };

/** A reply the core has stored as outbound and the adapter must deliver; `id` is the stored message's id. */
export interface OutboundReply {
  id: string;
  reply: Reply;
}

/** What one inbound message produced. A duplicate delivery returns the replies of the first one and sends nothing new. */
export interface TurnResult {
  duplicate: boolean;
  replies: OutboundReply[];
}

/** How an adapter hands messages to the bot and reports delivery back. */
export interface InboundSink {
  /** Processes one message (once per platformMessageId) and returns the replies to deliver. */
  handle(msg: InboundMessage): Promise<TurnResult>;
  /** Records the outcome of delivering one reply. */
  recordDelivery(outboundId: string, outcome: { platformMessageId?: string; error?: string }): Promise<void>;
}

/** Where staff talk to the bot: a chat platform's team workspace, or the web console's command box. */
export type StaffChannel = ChannelName | 'console';

/**
 * A message in a team workspace (a Telegram staff group or forum topic, a LINE group), a staff member's private chat
 * with the bot (only `/join <code>`), or the console's command box: staff and agents talk to the bot there. It never
 * reaches the customer bot.
 */
export interface StaffMessage {
  channel: StaffChannel;
  /** The group's id on the platform (the private chat's id for a `/join` sent privately; 'console' for the console). */
  workspaceId: string;
  /** A forum topic inside the group, when the platform has them. */
  threadId?: string;
  /** The platform's id for the staff member who wrote. */
  senderId: string;
  senderName?: string;
  text?: string;
  /** The team-chat message this one replies to (Telegram reply_to_message, LINE quotedMessageId): a thread. */
  replyToMessageId?: string;
  platformMessageId: string;
  timestamp: Date;
}

/** Where team-workspace messages go; the replies are posted back in the same workspace (and topic). */
export interface StaffSink {
  handle(msg: StaffMessage): Promise<Reply[]>;
}

/**
 * What a send outside a turn did (an agent's reply, a survey, a CSAT question): delivered to the platform; refused
 * because the platform allows no free message now (WhatsApp's 24-hour window: `template` says whether the approved
 * re-engagement template went instead); or failed with a closed-set code (TEMPORARY, BLOCKED_BY_USER, …).
 */
export type PushResult = { status: 'sent'; platformMessageId?: string } | { status: 'window_closed'; template: boolean } | { status: 'failed'; code: string };

/**
 * Options of a push. `template: false`: where the platform allows no free message now (WhatsApp outside the 24-hour
 * window), send nothing at all rather than the paid re-engagement template (surveys, "the bot is back" notices: an
 * invitation to reply that nothing follows would only confuse). Default true: an agent's words are worth inviting the
 * customer back for.
 */
export interface PushOptions {
  template?: boolean;
  /**
   * The same key for every try of one logical message (a campaign send's id): a platform that dedupes requests by key
   * (LINE's X-Line-Retry-Key) then delivers it once even when a restarted worker sends it again.
   */
  idempotencyKey?: string;
}

/** Sends one reply to a customer's chat outside a turn, on the chat's own channel. */
export type CustomerPusher = (target: { channel: ChannelName; chatId: string }, reply: Reply, opts?: PushOptions) => Promise<PushResult>;

/** A message the bot posted in a team workspace; replies to it (by id) form that thread. */
export interface TeamPost {
  channel: ChannelName;
  workspaceId: string;
  messageId: string;
}

/** Posts to the staff team chats (every configured Telegram staff group and LINE staff group). */
export interface TeamChat {
  /**
   * Posts `text` in every team workspace, or only in the one of `replyTo` as a reply to that message. Returns what was
   * posted (an empty list when no team chat is configured or every post failed; failures are logged, never thrown).
   */
  post(text: string, opts?: { replyTo?: TeamPost }): Promise<TeamPost[]>;
}
