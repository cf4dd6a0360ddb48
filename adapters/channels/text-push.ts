// A push (a send outside a conversation turn: an agent's message, a survey) for the channels that send each rendered
// reply as one or more plain texts (WeChat's customer-service API, WhatsApp Web). Unlike a turn there is no inbox
// event to retry and no outbound row to record on: the caller gets the outcome as a `PushResult` and records it.
import type { Logger } from 'pino';
import type { PushResult } from '../../core/conversation/message.js';
import type { ChannelError, ChannelErrorCode } from './channel-error.js';

/** What `pushTexts` needs. */
export interface TextPushInput {
  /** The rendered reply, in order (already split at the channel's limit). */
  texts: readonly string[];
  /** Sends one text; resolves to the platform's message id when it gives one. */
  sendText: (text: string) => Promise<string | undefined>;
  /** The closed-set error for whatever `sendText` threw. */
  toChannelError: (err: unknown) => ChannelError;
  log: Logger;
  /** Starts the log message ("wechat" → "wechat push failed"). */
  label: string;
  /** Called once with the failure's code (e.g. to mark the customer unreachable); its own failure is logged. */
  onFailure?: (code: ChannelErrorCode) => Promise<void>;
}

/**
 * Sends the texts in order and stops at the first failure, which becomes `{ status: 'failed', code }`. Never throws.
 * Logs the code and how far it got, never the texts or the recipient (a phone number on WhatsApp).
 */
export async function pushTexts(input: TextPushInput): Promise<PushResult> {
  let lastId: string | undefined;
  for (const [index, text] of input.texts.entries()) {
    try {
      lastId = (await input.sendText(text)) ?? lastId;
    } catch (err) {
      const failure = input.toChannelError(err);
      input.log.warn({ code: failure.code, part: index + 1, parts: input.texts.length, reason: failure.message }, `${input.label} push failed`);
      await input.onFailure?.(failure.code).catch((e: unknown) => input.log.warn({ reason: e instanceof Error ? e.name : 'non-error thrown' }, `${input.label} push failure handling failed`));
      return { status: 'failed', code: failure.code };
    }
  }
  return lastId !== undefined ? { status: 'sent', platformMessageId: lastId } : { status: 'sent' };
}
