"""The eval harness (``qa eval``): gold questions in, retrieval, answer, citation and abstention metrics out."""
