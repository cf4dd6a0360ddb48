// The slice of NLP.js (CommonJS, untyped) that bench/nlu.ts uses.
declare module '@nlpjs/nlp' {
  /** NLP.js's result for one utterance; `intent` is 'None' below its confidence threshold. */
  export interface NlpResult {
    intent: string;
    score: number;
  }
  /** NLP.js's main class: NER, NLU (a neural network per language) and NLG behind one object. */
  export class Nlp {
    constructor(settings?: { languages?: string[]; autoSave?: boolean; forceNER?: boolean });
    use(plugin: unknown): void;
    addLanguage(locales: string | string[]): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<NlpResult>;
  }
}

declare module '@nlpjs/lang-en-min' {
  /** The minimal English plugin (tokenizer, stemmer, stopwords). */
  export const LangEn: unknown;
}
