"""The error tree: one base, a hint on every error, the documented hierarchy."""

from __future__ import annotations

import inspect

import pytest

import accord.errors as errors


def _error_classes() -> list[type[errors.AccordError]]:
    return [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, errors.AccordError)
    ]


def test_every_error_derives_from_the_base_and_is_exported() -> None:
    classes = _error_classes()
    assert {c.__name__ for c in classes} == set(errors.__all__)


def test_every_error_is_drawn_in_the_module_docstring() -> None:
    doc = errors.__doc__ or ""
    missing = [c.__name__ for c in _error_classes() if c.__name__ not in doc]
    assert missing == []


def test_hint_is_part_of_the_message() -> None:
    err = errors.ConfigError("accord.toml is broken", hint="run accord init")
    assert str(err) == "accord.toml is broken\nHint: run accord init"
    assert err.message == "accord.toml is broken"
    assert str(errors.NotFound("no such user")) == "no such user"


def test_file_rejected_names_the_file() -> None:
    err = errors.FileRejected("the file is empty", path="/x/contacts.csv", hint="export again")
    assert str(err).startswith("/x/contacts.csv: the file is empty")
    assert err.path == "/x/contacts.csv"
    assert isinstance(err, errors.InputError)


def test_optional_dependency_says_what_to_install() -> None:
    err = errors.OptionalDependencyMissing("torch", extra="embeddings")
    assert "pip install 'accord[embeddings]'" in str(err)


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        (errors.WarehouseLocked, errors.StoreError),
        (errors.MigrationError, errors.StoreError),
        (errors.WorkspaceNotFound, errors.ConfigError),
        (errors.MappingError, errors.InputError),
        (errors.FileRejected, errors.InputError),
    ],
)
def test_hierarchy(child: type[Exception], parent: type[Exception]) -> None:
    assert issubclass(child, parent)
