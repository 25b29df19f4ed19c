"""From a question to ranked passages: dense and BM25 retrieval, rank fusion, syndicated-copy folding."""
