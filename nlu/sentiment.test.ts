import { describe, expect, it } from 'vitest';
import { scoreSentiment, sentimentLabel } from './sentiment.js';

type Label = 'positive' | 'negative' | 'neutral';

// Held-out sentences: written as survey reasons customers send, not taken from the lexicon, and not used to tune it
// (the first run's accuracy is reported in core/surveys/README.md). Each language: positive, negative, neutral.
const HELD_OUT: Record<'en' | 'ar' | 'zh', Array<[string, Label]>> = {
  en: [
    ['The staff were really friendly and helped me find my size', 'positive'],
    ['Great service, I will definitely come back', 'positive'],
    ['Checkout was quick and the store was clean', 'positive'],
    ['Loved the new collection 😍', 'positive'],
    ['Not bad at all, the cashier was polite', 'positive'],
    ['Everything was perfect, thank you!', 'positive'],
    ['The salesman was rude and ignored me', 'negative'],
    ['I waited 20 minutes at the till, terrible', 'negative'],
    ['The shirt I bought was damaged and nobody cared', 'negative'],
    ['Not good, the fitting rooms were dirty', 'negative'],
    ['Nice shop but the staff were unhelpful and slow', 'negative'],
    ['Very disappointed with the refund process 😡', 'negative'],
    ['I bought a pair of jeans on Saturday', 'neutral'],
    ['The store is in the mall near the entrance', 'neutral'],
    ['I paid by card', 'neutral'],
    ['Just a normal visit', 'neutral'],
  ],
  ar: [
    ['الموظفين وايد محترمين والخدمه ممتازه', 'positive'],
    ['شكرا لكم، التجربه كانت حلوه', 'positive'],
    ['المحل نظيف ومرتب وعجبني التعامل', 'positive'],
    ['الخدمة رائعة جدا 👍', 'positive'],
    ['ما شاء الله عليكم، الله يعطيكم العافية', 'positive'],
    ['منيح كتير، رح ارجع اكيد', 'positive'],
    ['الخدمه مو زينه والموظف ما رد علي', 'negative'],
    ['انتظرت وايد عند الكاشير، سيء', 'negative'],
    ['البضاعه خربانه وما في احد ساعدني', 'negative'],
    ['الموظفه كانت وقحه معي', 'negative'],
    ['للاسف التجربه كانت مخيبه', 'negative'],
    ['الاسعار غاليه والخدمه بطيئه 😞', 'negative'],
    ['اشتريت قميص من فرع دبي مول', 'neutral'],
    ['دفعت بالبطاقه', 'neutral'],
    ['رحت المحل يوم السبت', 'neutral'],
    ['الفرع جنب المدخل', 'neutral'],
  ],
  zh: [
    ['店員很親切，服務很好', 'positive'],
    ['東西不錯，價格也合理', 'positive'],
    ['非常滿意，下次還會再來', 'positive'],
    ['結帳很快，謝謝', 'positive'],
    ['店裡很乾淨，推薦 👍', 'positive'],
    ['服务态度非常好', 'positive'],
    ['店員態度很差', 'negative'],
    ['排隊等很久，很失望', 'negative'],
    ['衣服買回家就壞了，不滿意', 'negative'],
    ['服務不好，不會再來了', 'negative'],
    ['太貴了，而且很慢', 'negative'],
    ['店員很不耐煩 😡', 'negative'],
    ['我週六買了一件外套', 'neutral'],
    ['我用信用卡付款', 'neutral'],
    ['門市在百貨公司二樓', 'neutral'],
    ['今天去了信義店', 'neutral'],
  ],
};

/** Share of sentences labelled as expected. */
function accuracy(set: Array<[string, Label]>): { accuracy: number; wrong: string[] } {
  const wrong = set.filter(([text, label]) => sentimentLabel(scoreSentiment(text)) !== label).map(([t, l]) => `${l}: ${t} (${scoreSentiment(t)})`);
  return { accuracy: (set.length - wrong.length) / set.length, wrong };
}

describe('scoreSentiment', () => {
  it('stays in [-1, 1] and is 0 for text without sentiment', () => {
    expect(scoreSentiment('')).toBe(0);
    expect(scoreSentiment('order 12345')).toBe(0);
    const extreme = scoreSentiment('great great great excellent amazing perfect best love!!!! 😍😍😍');
    expect(extreme).toBeGreaterThan(0.9);
    expect(extreme).toBeLessThanOrEqual(1);
    expect(scoreSentiment('terrible awful worst horrible hate 😡😡😡!!!')).toBeGreaterThanOrEqual(-1);
  });

  it('turns negated words around in each language', () => {
    expect(scoreSentiment('good')).toBeGreaterThan(0);
    expect(scoreSentiment('not good')).toBeLessThan(0);
    expect(scoreSentiment("wasn't helpful")).toBeLessThan(0);
    expect(scoreSentiment('زين')).toBeGreaterThan(0);
    expect(scoreSentiment('مو زين')).toBeLessThan(0);
    expect(scoreSentiment('مش منيح')).toBeLessThan(0);
    expect(scoreSentiment('ما عجبني')).toBeLessThan(0);
    expect(scoreSentiment('好')).toBeGreaterThan(0);
    expect(scoreSentiment('不好')).toBeLessThan(0);
    expect(scoreSentiment('不滿意')).toBeLessThan(0);
    // Fixed expressions are not negations.
    expect(scoreSentiment('not bad')).toBeGreaterThan(0);
    expect(scoreSentiment('مو بطال')).toBeGreaterThan(0);
    expect(scoreSentiment('不錯')).toBeGreaterThan(0);
  });

  it('scales with intensifiers, before the word and (Arabic) after it', () => {
    expect(scoreSentiment('very good')).toBeGreaterThan(scoreSentiment('good'));
    expect(scoreSentiment('a bit slow')).toBeGreaterThan(scoreSentiment('slow'));
    expect(scoreSentiment('زين وايد')).toBeGreaterThan(scoreSentiment('زين'));
    expect(scoreSentiment('ممتاز جدا')).toBeGreaterThan(scoreSentiment('ممتاز'));
    expect(scoreSentiment('非常好')).toBeGreaterThan(scoreSentiment('好'));
  });

  it('counts emoji and emoticons, and exclamation marks in the direction of the text', () => {
    expect(scoreSentiment('👍')).toBeGreaterThan(0);
    expect(scoreSentiment('😡')).toBeLessThan(0);
    expect(scoreSentiment('thanks :)')).toBeGreaterThan(scoreSentiment('thanks'));
    expect(scoreSentiment('bad!!!')).toBeLessThan(scoreSentiment('bad'));
    // A URL's "://" is not a frown.
    expect(scoreSentiment('https://example.com')).toBe(0);
  });

  it('weights what follows "but" over what precedes it', () => {
    expect(scoreSentiment('the shop is nice but the staff were rude')).toBeLessThan(0);
    expect(scoreSentiment('المحل حلو بس الموظف وقح')).toBeLessThan(0);
    expect(scoreSentiment('東西好看，但是店員很兇')).toBeLessThan(0);
  });

  it('reads Simplified Chinese and Arabic spelling variants like their standard forms', () => {
    expect(scoreSentiment('服务很差')).toBe(scoreSentiment('服務很差'));
    expect(scoreSentiment('الخدمة ممتازة')).toBe(scoreSentiment('الخدمه ممتازه'));
  });

  it.each(Object.entries(HELD_OUT))('labels held-out %s sentences (≥ 80%)', (_lang, set) => {
    expect(set.length).toBeGreaterThanOrEqual(15);
    const result = accuracy(set);
    expect(result.accuracy, result.wrong.join('\n')).toBeGreaterThanOrEqual(0.8);
  });
});
