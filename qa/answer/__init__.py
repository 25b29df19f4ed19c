"""Answers with checked citations: evidence selection, generation backends, verification."""
