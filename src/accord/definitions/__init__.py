"""definitions layer (see docs/architecture.md)."""
