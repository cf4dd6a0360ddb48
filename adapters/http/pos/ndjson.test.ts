import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NdjsonLimitError, readNdjson } from './ndjson.js';

const limits = { maxBytes: 10_000, maxLines: 5 };
const read = (chunks: Array<string | Buffer>, l = limits) => readNdjson(Readable.from(chunks), l);

describe('readNdjson', () => {
  it('parses each line and numbers lines from 1, skipping blank ones but counting them', async () => {
    expect(await read(['{"a":1}\n\n  \n{"b":2}\n'])).toEqual([
      { line: 1, ok: true, value: { a: 1 } },
      { line: 4, ok: true, value: { b: 2 } },
    ]);
  });

  it('joins lines split across chunks, even inside a multi-byte character', async () => {
    const text = Buffer.from('{"name":"陳美玲"}\n{"n":2}');
    const cut = text.indexOf(Buffer.from('美')) + 1;
    expect(await read([text.subarray(0, cut), text.subarray(cut)])).toEqual([
      { line: 1, ok: true, value: { name: '陳美玲' } },
      { line: 2, ok: true, value: { n: 2 } },
    ]);
  });

  it('accepts CRLF line ends, a last line without a newline and a byte order mark', async () => {
    expect(await read(['\uFEFF{"a":1}\r\n{"a":2}'])).toEqual([
      { line: 1, ok: true, value: { a: 1 } },
      { line: 2, ok: true, value: { a: 2 } },
    ]);
  });

  it('reports a malformed line with its number and reason and keeps the others', async () => {
    const lines = await read(['{"a":1}\n{"a":\n', Buffer.from([0xff, 0xfe, 0x0a]), '{"a":3}\n']);
    expect(lines.map((l) => l.ok)).toEqual([true, false, false, true]);
    expect(lines[1]).toMatchObject({ line: 2, reason: expect.stringMatching(/^not valid JSON/) as unknown });
    expect(lines[2]).toEqual({ line: 3, ok: false, reason: 'not valid UTF-8' });
    expect(lines[3]).toMatchObject({ line: 4, value: { a: 3 } });
  });

  it('refuses more lines than the cap, and a body over the byte cap, as soon as it sees them', async () => {
    await expect(read(['{}\n'.repeat(6)])).rejects.toBeInstanceOf(NdjsonLimitError);
    expect(await read(['{}\n'.repeat(5)])).toHaveLength(5);
    let pulled = 0;
    const endless = Readable.from(
      (function* () {
        for (;;) {
          pulled++;
          yield 'x'.repeat(1000);
        }
      })(),
    );
    await expect(readNdjson(endless, limits)).rejects.toThrow(/at most 10000 bytes/);
    expect(pulled).toBeLessThan(20);
  });
});
