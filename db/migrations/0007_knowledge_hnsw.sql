-- The embedding column has no fixed dimension (it follows the embedder), and an HNSW index needs one; so each
-- embedder that serves real traffic gets a partial HNSW index on the cast expression. The search query repeats
-- the same cast and predicate, which is what lets the planner use the index. The offline default embedder:
CREATE INDEX IF NOT EXISTS kb_chunks_hnsw_hash_ngram_512 ON kb_chunks
  USING hnsw ((embedding::vector(512)) vector_cosine_ops)
  WHERE embedder = 'hash-ngram-512';
