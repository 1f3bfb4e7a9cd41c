"""Search: the Whoosh indexes of products, posts and creators.

- `analysis`: the jieba tokenizer and the analyzers (text to index terms).
- `documents`: the schemas and the documents, read from the database rows.
- `store`: the index directory, open indexes, cached searchers and columns.
- `writer`: the only code that writes: `changed(kind, *ids)`, `batch()`.
- `jobs`: the retry queue of failed writes, `rebuild()`, `ensure_index()`.
- `query`: user text to results (`search_products`, `search_posts`, ...).
- `ranking`: a query's matches and BM25 scores, a posting block at a time.
- `facets`: filters, facet counts and column sorts over a set of matches.
- `snippets`: highlighted fragments of results.
- `receivers`: the other domains' signals, turned into `writer.changed` calls.
- `models`: `SearchJob`, a failed index write waiting to be retried.
"""
