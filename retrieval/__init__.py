"""Query → candidates → fused ranking → answer or abstention, over a versioned knowledge base.

The shared pieces (settings, the Entry record, the embedding model, the Chroma store and its
versions) live here too: ingest writes the knowledge base in the format retrieval reads.
"""
