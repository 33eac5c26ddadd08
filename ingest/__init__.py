"""Corpus → knowledge-base version: load → parse → chunk → embed → write, then activate."""
