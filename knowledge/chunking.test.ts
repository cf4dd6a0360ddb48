import { describe, expect, it } from 'vitest';
import { chunkFaq, chunkMarkdown, KnowledgeFileError, MAX_CHUNK_CHARS } from './chunking.js';

describe('chunkMarkdown', () => {
  it('keeps each section under its heading path', () => {
    const doc = chunkMarkdown('# Hours\nIntro.\n## Stores\nOpen 10-22.\n### Kiosk\nOpen 8-20.\n## Ramadan\nLate.', 'x');
    expect(doc.title).toBe('Hours');
    expect(doc.chunks).toEqual([
      { title: 'Hours', body: 'Intro.' },
      { title: 'Hours › Stores', body: 'Open 10-22.' },
      { title: 'Hours › Stores › Kiosk', body: 'Open 8-20.' },
      { title: 'Hours › Ramadan', body: 'Late.' },
    ]);
  });

  it('uses the fallback title without a heading and ignores headings inside code fences', () => {
    const doc = chunkMarkdown('Text\n```\n# not a heading\n```', 'file name');
    expect(doc.title).toBe('file name');
    expect(doc.chunks).toHaveLength(1);
    expect(doc.chunks[0]?.body).toContain('# not a heading');
  });

  it('splits a long section at paragraphs, each part keeping the title', () => {
    const para = 'word '.repeat(150).trim();
    const doc = chunkMarkdown(`# T\n## Long\n${[para, para, para, para].join('\n\n')}`, 'x');
    expect(doc.chunks.length).toBeGreaterThan(1);
    for (const c of doc.chunks) {
      expect(c.title).toBe('T › Long');
      expect(c.body.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS);
    }
  });
});

describe('chunkFaq', () => {
  it('makes one chunk per pair, from a list or a titled file', () => {
    expect(chunkFaq('- q: Where?\n  a: Dubai.\n- q: When?\n  a: Now.', 'fb').chunks).toEqual([
      { title: 'Where?', body: 'Dubai.' },
      { title: 'When?', body: 'Now.' },
    ]);
    expect(chunkFaq('title: Delivery\nfaq:\n  - q: Where?\n    a: Dubai.', 'fb').title).toBe('Delivery');
  });

  it('names the problem in a malformed file', () => {
    expect(() => chunkFaq('- q: "unclosed\n  a: x', 'fb')).toThrow(KnowledgeFileError);
    expect(() => chunkFaq('- q: Where?\n  a: Dubai.', 'fb')).not.toThrow();
    expect(() => chunkFaq('- q: Where?\n  answer: Dubai.', 'fb')).toThrow(/at 0/);
    expect(() => chunkFaq('just text', 'fb')).toThrow(/FAQ/);
  });
});
