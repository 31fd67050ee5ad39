"""unease export-parquet: the marts of a build as Parquet files with a manifest."""

from __future__ import annotations

import json

from etl.cli import main
from etl.db import connect


def test_export_writes_every_mart_with_its_rows_and_the_build_id(tiny_db, tmp_path, capsys):
    out = tmp_path / "marts"
    assert main(["export-parquet", "--db", str(tiny_db), "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    con = connect(tiny_db, read_only=True)
    build_id = con.execute("select value from build_info where key = 'build_id'").fetchone()[0]
    assert manifest["build_id"] == build_id and len(build_id) == 32
    assert {"areas", "indicator_values", "indicator_meta"} <= set(manifest["tables"])
    for table, rows in manifest["tables"].items():
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == rows
        parquet = str(out / f"{table}.parquet")
        assert con.execute(f"select count(*) from '{parquet}'").fetchone()[0] == rows
    assert manifest["tables"]["indicator_values"] > 100
    values = str(out / "indicator_values.parquet")
    differ = con.execute(
        f"select count(*) from (select indicator, area_code, period, method, value, n "
        f"from '{values}' except select indicator, area_code, period, method, value, n "
        "from indicator_values)"
    ).fetchone()[0]
    assert differ == 0  # the same values as the database
    areas = con.execute(f"describe select * from '{out / 'areas.parquet'}'").fetchall()
    assert "geom" not in {row[0] for row in areas}  # shapes left out
    con.close()
    assert "wrote" in capsys.readouterr().out

    # a second export replaces the first as a whole
    (out / "stale.parquet").write_bytes(b"old")
    assert main(["export-parquet", "--db", str(tiny_db), "--out", str(out)]) == 0
    assert not (out / "stale.parquet").exists() and (out / "manifest.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["marts"]  # nothing left beside it


def test_export_of_a_missing_database_says_so(tmp_path, capsys):
    missing = tmp_path / "none.duckdb"
    assert main(["export-parquet", "--db", str(missing), "--out", str(tmp_path / "o")]) == 2
    assert "database not found" in capsys.readouterr().err
