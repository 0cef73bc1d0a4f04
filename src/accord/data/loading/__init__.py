"""Loading internals: staging a file in DuckDB, parsing and checking values, writing rows.

The public entry points are :func:`accord.data.load.load_file` and
:mod:`accord.data.catalog`.
"""
