"""Corpus readers: each turns a corpus on disk into plain records."""
