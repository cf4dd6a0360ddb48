// A fake OpenAI-compatible embeddings server on 127.0.0.1 for tests: answers POST /v1/embeddings with
// deterministic hashed vectors (float arrays, or base64 float32 as the openai SDK asks for by default).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashEmbed } from './embedder.js';

/** A running fake server: its `/v1` base URL, the requests it saw, and `close`. */
export interface FakeOpenAI {
  baseUrl: string;
  requests: Array<{ model: string; inputs: string[]; authorization: string | undefined }>;
  close(): Promise<void>;
}

/** Starts the fake on a free port; vectors have `dimensions` entries. */
export async function startFakeOpenAI(dimensions: number): Promise<FakeOpenAI> {
  const requests: FakeOpenAI['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; input: string | string[]; encoding_format?: string };
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      requests.push({ model: body.model, inputs, authorization: req.headers.authorization });
      const data = inputs.map((text, index) => {
        const vector = hashEmbed(text, dimensions);
        const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
        return { object: 'embedding', index, embedding };
      });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
