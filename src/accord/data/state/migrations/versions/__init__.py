"""Revisions of the state store schema, oldest first: ``NNNN_what.py``."""
