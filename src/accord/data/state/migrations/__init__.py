"""Alembic migrations of the state store, run programmatically by ``accord.data.state.migrate``."""
