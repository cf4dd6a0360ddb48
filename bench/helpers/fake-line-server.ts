// A fake LINE Messaging API for the campaign benchmark, run as its own process so its work does not count against
// the worker's. It behaves like LINE where the benchmark depends on it: POST /v2/bot/message/push answers 200 with
// sent message ids, and a second request with an X-Line-Retry-Key it already accepted answers 409 with
// x-line-accepted-request-id instead of delivering again (LINE keeps keys for 24 hours). It counts what it delivered
// per recipient, so duplicates (a recipient who got a campaign's message twice) and losses can be counted.
// GET /stats → counts; POST /reset → forget everything. Prints "port <n>" on stdout once listening.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const acceptedKeys = new Map<string, string>();
const perRecipient = new Map<string, number>();
let requests = 0;
let delivered = 0;
let dedupedByKey = 0;
let noKey = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/stats') {
      let multi = 0;
      let extra = 0;
      for (const n of perRecipient.values()) {
        if (n > 1) {
          multi++;
          extra += n - 1;
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ requests, delivered, dedupedByKey, noKey, recipients: perRecipient.size, recipientsMoreThanOnce: multi, duplicateMessages: extra }));
      return;
    }
    if (req.method === 'POST' && req.url === '/reset') {
      acceptedKeys.clear();
      perRecipient.clear();
      requests = delivered = dedupedByKey = noKey = 0;
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'POST' && req.url === '/v2/bot/message/push') {
      requests++;
      const key = req.headers['x-line-retry-key'];
      if (typeof key === 'string') {
        const earlier = acceptedKeys.get(key);
        if (earlier) {
          dedupedByKey++;
          res.writeHead(409, { 'content-type': 'application/json', 'x-line-accepted-request-id': earlier });
          res.end(JSON.stringify({ message: 'The retry key is already accepted' }));
          return;
        }
      } else {
        noKey++;
      }
      let body: { to?: string; messages?: unknown[] };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'bad json' }));
        return;
      }
      const requestId = randomUUID();
      if (typeof key === 'string') acceptedKeys.set(key, requestId);
      const to = String(body.to);
      perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
      delivered++;
      const ids = (body.messages ?? []).map(() => ({ id: String(1e15 + delivered), quoteToken: 'q' }));
      res.writeHead(200, { 'content-type': 'application/json', 'x-line-request-id': requestId });
      res.end(JSON.stringify({ sentMessages: ids }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not found' }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`port ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
