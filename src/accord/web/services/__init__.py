"""What the pages and the API show, computed from the stores (no HTTP here)."""
