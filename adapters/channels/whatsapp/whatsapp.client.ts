import { ChannelError } from '../channel-error.js';
import { graphError, type GraphErrorBody } from './whatsapp.errors.js';
import type { GraphMessage } from './whatsapp.render.js';

/** What `createGraphClient` needs. */
export interface GraphClientOptions {
  /** Graph API root including the version (e.g. https://graph.facebook.com/v21.0), no trailing slash. */
  baseUrl: string;
  phoneNumberId: string;
  accessToken: string;
  /** Per-request time limit (default 15 s): a hung connection must not hold the chat's queue forever. */
  timeoutMs?: number;
}

/** The calls the channel makes to the Cloud API. Every failure is a `ChannelError`. */
export interface GraphClient {
  /** Sends one message to a WhatsApp user (wa_id); resolves with the message's wamid. */
  send(to: string, message: GraphMessage): Promise<string>;
  /** Marks a received message read (blue ticks). */
  markRead(wamid: string): Promise<void>;
}

/** A Cloud API client on `fetch`: one POST per message to `{base}/{phone-number-id}/messages` with the bearer token. */
export function createGraphClient(opts: GraphClientOptions): GraphClient {
  const endpoint = `${opts.baseUrl}/${encodeURIComponent(opts.phoneNumberId)}/messages`;
  const timeoutMs = opts.timeoutMs ?? 15_000;

  const post = async (body: Record<string, unknown>): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${opts.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', ...body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // Refused, reset or timed out: the request may or may not have reached Meta; the caller decides on a retry.
      throw new ChannelError('TEMPORARY', `WhatsApp Graph API unreachable: ${err instanceof Error ? err.name : 'error'}`, { cause: err });
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const error = typeof json === 'object' && json !== null && 'error' in json ? ((json as { error: GraphErrorBody }).error) : undefined;
      throw graphError(res.status, error, res.headers);
    }
    return json;
  };

  return {
    async send(to, message) {
      const json = (await post({ recipient_type: 'individual', to, ...message })) as { messages?: Array<{ id?: unknown }> } | undefined;
      const id = json?.messages?.[0]?.id;
      if (typeof id !== 'string') throw new ChannelError('UNKNOWN', 'WhatsApp Graph API answered without a message id');
      return id;
    },
    async markRead(wamid) {
      await post({ status: 'read', message_id: wamid });
    },
  };
}
