/** Public API of the knowledge base: ingest, embedders, hybrid search and answers. */
export { ingestKnowledge, DEFAULT_MAX_FILE_BYTES } from './ingest.js';
export type { IngestInput, IngestReport, IngestFileResult } from './ingest.js';
export { createHashingEmbedder, createOpenAIEmbedder, hashEmbed } from './embedder.js';
export type { Embedder, HashingEmbedderOptions, OpenAIEmbedderOptions } from './embedder.js';
export { searchKnowledge, answerFromKnowledge, reciprocalRankFusion, RRF_K, CANDIDATES, MIN_SIMILARITY, DEFAULT_MIN_SIMILARITY } from './search.js';
export type { SearchInput, SearchHit, KnowledgeAnswer } from './search.js';
export { chunkMarkdown, chunkFaq, KnowledgeFileError, MAX_CHUNK_CHARS } from './chunking.js';
export type { ParsedChunk, ParsedDocument } from './chunking.js';
export { createGroundedAnswerer, groundedAnswerSchema, groundingSystemPrompt, groundingUserMessage, GROUNDING_CHUNKS } from './grounded-answer.js';
export type { GroundedAnswer, GroundedAnswerer } from './grounded-answer.js';
