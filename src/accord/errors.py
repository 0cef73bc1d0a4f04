"""The one tree of Accord's errors.

Expected outcomes ("not enough data", "no in-force definition") are *results* with a
reason code, not exceptions. Exceptions are for things a user must fix. Every error
carries a message that says what is wrong and a ``hint`` that says how to fix it; the
CLI maps the class to an exit code (``cli/``), the web app to an HTTP status (``web/``).

::

    AccordError                      base; ``message`` + ``hint``
    ├── ConfigError                  accord.toml missing, unreadable or invalid
    │   └── WorkspaceNotFound        no workspace at the given folder
    ├── StoreError                   a store cannot be opened or used
    │   ├── WarehouseLocked          another process holds the DuckDB file
    │   └── MigrationError           schema version newer/older than this Accord
    ├── InputError                   a file or argument a user gave is wrong as a whole
    │   ├── FileRejected             a data file refused before anything was loaded
    │   └── MappingError             a mapping/preset spec is invalid or does not fit
    ├── NotFound                     a named thing (user, table, definition) does not exist
    ├── PermissionDenied             the acting user may not do this
    ├── Conflict                     the action contradicts the current state
    └── OptionalDependencyMissing    an optional extra is needed: says what to install
"""

from __future__ import annotations

__all__ = [
    "AccordError",
    "ConfigError",
    "Conflict",
    "FileRejected",
    "InputError",
    "MappingError",
    "MigrationError",
    "NotFound",
    "OptionalDependencyMissing",
    "PermissionDenied",
    "StoreError",
    "WarehouseLocked",
    "WorkspaceNotFound",
]


class AccordError(Exception):
    """Base of every error Accord raises on purpose.

    Parameters
    ----------
    message
        What is wrong, in one sentence a user understands.
    hint
        How to fix it (a command to run, a column to add). Optional.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\nHint: {self.hint}"
        return self.message


class ConfigError(AccordError):
    """The workspace configuration is missing, unreadable or invalid."""


class WorkspaceNotFound(ConfigError):
    """No ``accord.toml`` in the folder given (or the current one)."""


class StoreError(AccordError):
    """A store (warehouse or state) cannot be opened or used."""


class WarehouseLocked(StoreError):
    """Another process holds the DuckDB warehouse file for writing."""


class MigrationError(StoreError):
    """The store's schema version does not match this version of Accord."""


class InputError(AccordError):
    """A file or argument given by the user is wrong as a whole."""


class FileRejected(InputError):
    """A data file was refused as a whole; nothing from it was loaded.

    Parameters
    ----------
    path
        The file that was refused.
    """

    def __init__(self, message: str, *, path: str, hint: str | None = None) -> None:
        super().__init__(f"{path}: {message}", hint=hint)
        self.path = path


class MappingError(InputError):
    """A mapping or preset specification is invalid or does not fit the file."""


class NotFound(AccordError):
    """A named thing (user, table, definition, load) does not exist."""


class PermissionDenied(AccordError):
    """The acting user's role does not allow this action."""


class Conflict(AccordError):
    """The action contradicts the current state (e.g. signing a retired version)."""


class OptionalDependencyMissing(AccordError):
    """An optional extra is needed for this feature.

    Parameters
    ----------
    package
        The import name that failed.
    extra
        The ``pip install 'accord[extra]'`` extra that provides it.
    """

    def __init__(self, package: str, *, extra: str) -> None:
        super().__init__(
            f"This feature needs the optional package {package!r}.",
            hint=f"pip install 'accord[{extra}]'",
        )
        self.package = package
        self.extra = extra
