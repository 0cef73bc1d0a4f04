"""``accord identity dedupe`` and ``accord identity link``."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from accord.cli._errors import AccordGroup
from accord.cli.identity import app, parse_column_types
from accord.errors import InputError
from accord.identity.synthetic import person_file


def invoke(*args: str | Path) -> Result:
    # registered the way the lead registers it: `accord identity ...`
    root = typer.Typer(cls=AccordGroup)
    root.add_typer(app, name="identity")
    return CliRunner().invoke(root, ["identity", *map(str, args)], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def people_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("identity") / "people.csv"
    person_file(80, seed=3).rename(columns={"phone": "Tel"}).to_csv(path, index=False)
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_dedupe_writes_a_row_per_input_row(people_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "clusters.csv"
    result = invoke("dedupe", people_csv, "--id-column", "id", "--out", out)
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    source = _rows(people_csv)
    assert [r["id"] for r in rows] == [r["id"] for r in source]
    assert list(rows[0]) == ["id", "cluster_id", "match_probability"]
    by_id = {r["id"]: r for r in rows}
    for row in rows:  # a cluster is named after one of its own rows
        assert by_id[row["cluster_id"]]["cluster_id"] == row["cluster_id"]
    assert "records ->" in result.stdout
    assert "clusters" in result.stdout
    assert "Tel" in result.stderr  # the columns used are listed, with how they were found


def test_dedupe_accepts_column_types(people_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "clusters.csv"
    result = invoke(
        "dedupe", people_csv, "--out", out, "--column-type", "Tel=ignore", "--threshold", "0.99"
    )
    assert result.exit_code == 0, result.output
    assert "Tel" not in result.stderr
    assert len(_rows(out)) == len(_rows(people_csv))


def test_unusable_file_exits_2_with_what_was_found(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("order_id,amount\n1,10\n2,11\n")
    result = invoke("dedupe", path, "--id-column", "order_id", "--out", tmp_path / "o.csv")
    assert result.exit_code == 2
    assert "no column that identifies a person or company" in result.stderr
    assert "Hint:" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = invoke("dedupe", tmp_path / "nope.csv", "--out", tmp_path / "o.csv")
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_link_two_files(people_csv: Path, tmp_path: Path) -> None:
    rows = _rows(people_csv)
    left, right = tmp_path / "crm.csv", tmp_path / "billing.csv"
    for path, part in ((left, rows[::2]), (right, rows[1::2])):
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(part[0]))
            writer.writeheader()
            writer.writerows(part)
    out = tmp_path / "links.csv"
    result = invoke("link", left, right, "--id-column", "id", "--out", out)
    assert result.exit_code == 0, result.output
    linked = _rows(out)
    assert list(linked[0]) == ["source", "id", "cluster_id", "match_probability"]
    assert len(linked) == len(rows)
    truth = {r["id"]: r["entity"] for r in rows}
    joined = [r for r in linked if not r["cluster_id"].endswith(":" + r["id"])]
    assert joined  # some rows joined a cluster named after a row of the other file
    for row in joined:
        assert truth[row["id"]] == truth[row["cluster_id"].split(":", 1)[1]]


def test_parse_column_types() -> None:
    assert parse_column_types(["Tel = phone", "born=dob"]) == {"Tel": "phone", "born": "dob"}
    with pytest.raises(InputError, match="is not COLUMN=KIND"):
        parse_column_types(["phone"])
