"""One router module per resource; each has ``pages`` (HTML) and ``api`` (``/api/v1``)."""
