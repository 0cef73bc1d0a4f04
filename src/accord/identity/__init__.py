"""identity layer (see docs/architecture.md)."""
