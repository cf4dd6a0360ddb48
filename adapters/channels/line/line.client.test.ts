import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LINE_API_ERRORS, startFakeLineApi, type FakeLineApi } from '../../../test/fakes/line-api.js';
import { createLineApiClient, LineApiError } from './line.client.js';

const USER = `U${'0'.repeat(31)}1`;
const RETRY_KEY = '123e4567-e89b-12d3-a456-426614174000';
const hello = [{ type: 'text' as const, text: 'hello' }];

/** A bare server whose answer each test scripts, recording the headers it saw. */
async function startRawServer(answer: (res: ServerResponse) => void): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

async function failure(promise: Promise<unknown>): Promise<LineApiError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LineApiError);
  return err as LineApiError;
}

describe('LINE API client (@line/bot-sdk underneath)', () => {
  let api: FakeLineApi | undefined;
  let raw: Server | undefined;
  afterEach(async () => {
    await api?.close();
    raw?.closeAllConnections();
    await new Promise<void>((resolve) => (raw ? raw.close(() => resolve()) : resolve()));
    api = undefined;
    raw = undefined;
  });

  it('pushes with the retry key and returns the sent message ids', async () => {
    api = await startFakeLineApi();
    const client = createLineApiClient({ baseUrl: api.url, accessToken: api.token });
    const res = await client.pushMessage({ to: USER, messages: hello }, RETRY_KEY);
    expect(res.sentMessages).toEqual([{ id: expect.any(String) as unknown, quoteToken: expect.any(String) as unknown }]);
    expect(api.callsTo('push')).toMatchObject([{ retryKey: RETRY_KEY, status: 200, body: { to: USER, messages: hello } }]);
  });

  it('turns an HTTP error into LineApiError with LINE’s message and Retry-After', async () => {
    api = await startFakeLineApi();
    api.failNext('push', LINE_API_ERRORS.tooManyRequests(3));
    const client = createLineApiClient({ baseUrl: api.url, accessToken: api.token });
    const err = await failure(client.pushMessage({ to: USER, messages: hello }));
    expect(err).toMatchObject({ status: 429, apiMessage: 'Too Many Requests', retryAfterMs: 3000, acceptedRequestId: undefined });
    expect(err.message).toBe('LINE /v2/bot/message/push failed: 429 Too Many Requests');
  });

  it('reports the accepted request id on a 409 to a repeated retry key', async () => {
    api = await startFakeLineApi();
    const client = createLineApiClient({ baseUrl: api.url, accessToken: api.token });
    await client.pushMessage({ to: USER, messages: hello }, RETRY_KEY);
    const err = await failure(client.pushMessage({ to: USER, messages: hello }, RETRY_KEY));
    expect(err).toMatchObject({ status: 409, apiMessage: 'The retry key is already accepted', acceptedRequestId: expect.any(String) as unknown });
  });

  it('reports a refused token and an unusable reply token', async () => {
    api = await startFakeLineApi();
    const refused = createLineApiClient({ baseUrl: api.url, accessToken: 'wrong' });
    expect(await failure(refused.replyMessage({ replyToken: 'x', messages: hello }))).toMatchObject({ status: 401 });
    const client = createLineApiClient({ baseUrl: api.url, accessToken: api.token });
    expect(await failure(client.replyMessage({ replyToken: 'x', messages: hello }))).toMatchObject({ status: 400, apiMessage: 'Invalid reply token' });
  });

  it('sends the SDK’s headers and falls back to the status text for a non-JSON error body', async () => {
    const server = await startRawServer((res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('upstream down');
    });
    raw = server.server;
    const client = createLineApiClient({ baseUrl: server.url, accessToken: 'tok' });
    expect(await failure(client.pushMessage({ to: USER, messages: hello }, RETRY_KEY))).toMatchObject({ status: 503, apiMessage: 'Service Unavailable' });
    expect(server.seen[0]).toMatchObject({
      authorization: 'Bearer tok',
      'content-type': 'application/json',
      'x-line-retry-key': RETRY_KEY,
      'user-agent': expect.stringMatching(/^@line\/bot-sdk\//) as unknown,
    });
  });

  it('counts a 2xx with an unreadable body as sent, without message ids', async () => {
    const server = await startRawServer((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    raw = server.server;
    const client = createLineApiClient({ baseUrl: server.url, accessToken: 'tok' });
    expect(await client.pushMessage({ to: USER, messages: hello })).toEqual({ sentMessages: [] });
  });

  it('fails with status 0 when no answer comes in time or the connection is refused', async () => {
    const server = await startRawServer(() => undefined); // never answers
    raw = server.server;
    const slow = createLineApiClient({ baseUrl: server.url, accessToken: 'tok', timeoutMs: 50 });
    expect(await failure(slow.pushMessage({ to: USER, messages: hello }))).toMatchObject({ status: 0, apiMessage: 'TimeoutError' });

    const closed = await startRawServer(() => undefined);
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const refused = createLineApiClient({ baseUrl: closed.url, accessToken: 'tok' });
    const err = await failure(refused.replyMessage({ replyToken: 'x', messages: hello }));
    expect(err).toMatchObject({ status: 0, apiMessage: 'TypeError' });
    expect(err.message).toBe('LINE /v2/bot/message/reply failed: no response TypeError');
  });
});
