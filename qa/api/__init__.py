"""The HTTP service (``qa api``): search, cited answers (JSON or Server-Sent Events) and article writes."""
