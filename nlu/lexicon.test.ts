import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLabelledData } from './eval.js';
import { createNlu } from './index.js';
import { compileLexicon, EMPTY_LEXICON } from './lexicon.js';
import { normalizeText } from './normalize.js';
import { loadNluData, TrainingDataError } from './training-data.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nlu-lexicon-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const prepare = (lexicon: Parameters<typeof compileLexicon>[0]) => {
  const f = compileLexicon(lexicon);
  return (text: string) => f(normalizeText(text));
};

describe('compileLexicon', () => {
  it('replaces synonyms as whole words in Latin and Arabic, anywhere in Chinese', () => {
    const p = prepare({
      synonyms: [
        { canonical: 'points', variants: ['pts', 'PNTS'] },
        { canonical: 'نقاط', variants: ['نقط'] },
        { canonical: '點數', variants: ['積分'] },
      ],
      regexes: [],
      lookups: [],
    });
    expect(p('How many PTS do I have')).toBe('how many points do i have');
    expect(p('receipts')).toBe('receipts'); // not inside a word
    expect(p('كم نقط عندي')).toBe('كم نقاط عندي');
    expect(p('我有多少積分')).toBe('我有多少點數');
  });

  it('adds a marker word for each regex and lookup table that matches', () => {
    const p = prepare({
      synonyms: [],
      regexes: [{ name: 'member_code', patterns: ['(?<!\\d)\\d{10}(?!\\d)'] }],
      lookups: [{ name: 'tier', values: ['Gold', '金卡'] }],
    });
    expect(p('join 1234567890')).toBe('join 1234567890 rx_member_code');
    // Arabic-Indic digits are folded before the regex sees them.
    expect(p('اشتراك ١٢٣٤٥٦٧٨٩٠')).toMatch(/rx_member_code$/);
    expect(p('what do gold members get')).toBe('what do gold members get lk_tier');
    expect(p('金卡有什麼好處')).toBe('金卡有什麼好處 lk_tier');
    expect(p('goldfish')).toBe('goldfish');
    expect(p('join 12345')).toBe('join 12345');
  });

  it('leaves texts alone when the lexicon is empty', () => {
    expect(prepare(EMPTY_LEXICON)('Hello PTS')).toBe('hello pts');
  });
});

describe('lexicon entries in the training files', () => {
  const files = {
    'en.yml': [
      'nlu:',
      '- intent: balance',
      '  examples: |',
      '    - how many points do i have',
      '    - my points please',
      '    - points balance',
      '- intent: greeting',
      '  examples: |',
      '    - hi',
      '    - hello there',
      '    - good morning',
      '- synonym: points',
      '  examples: |',
      '    - pts',
      '- regex: member_code',
      '  examples: |',
      '    - (?<!\\d)\\d{10}(?!\\d)',
      '- lookup: tier',
      '  examples: |',
      '    - gold',
      '',
    ].join('\n'),
  };

  it('are read with the examples, from every file', () => {
    const data = loadNluData(dirWith(files));
    expect(data.examples).toHaveLength(6);
    expect(data.lexicon).toEqual({
      synonyms: [{ canonical: 'points', variants: ['pts'] }],
      regexes: [{ name: 'member_code', patterns: ['(?<!\\d)\\d{10}(?!\\d)'] }],
      lookups: [{ name: 'tier', values: ['gold'] }],
    });
  });

  it('shape what the bot understands: a synonym reads like its word', () => {
    const nlu = createNlu({ dataDir: dirWith(files), minConfidence: 0, minMargin: 0 });
    const withWord = nlu.classify('pts balance');
    expect(withWord.intent).toBe('balance');
    expect(withWord.confidence).toBeCloseTo(nlu.classify('points balance').confidence, 10);
  });

  it('are read by the evaluation CLI from a YAML training file', () => {
    const dir = dirWith(files);
    expect(loadLabelledData(join(dir, 'en.yml')).lexicon.synonyms).toEqual([{ canonical: 'points', variants: ['pts'] }]);
  });

  it.each([
    ['a regex that does not compile', '- regex: broken\n  examples: |\n    - (unclosed\n', /en\.yml: regex broken: Invalid regular expression/],
    ['a badly named regex', '- regex: Member Code\n  examples: |\n    - \\d+\n', /en\.yml: not a Rasa-style nlu file[\s\S]*lower-case/],
    ['an entry of no known kind', '- entity: store\n  examples: |\n    - mall\n', /each entry needs one of: intent, synonym, regex, lookup/],
  ])('fail loading, naming the file, on %s', (_name, entry, message) => {
    const dir = dirWith({ 'en.yml': `nlu:\n- intent: greeting\n  examples: |\n    - hi\n${entry}` });
    expect(() => loadNluData(dir)).toThrow(TrainingDataError);
    expect(() => loadNluData(dir)).toThrow(message);
  });
});
