"""The chat page (``qa serve``): streamed answers, citations that open their source, uploads, feedback."""
