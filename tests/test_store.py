"""The dashboard's read-only store: survives a failed build, follows a successful one."""

from dashboard import queries
from dashboard.store import Store
from etl.cli import main
from tests.tiny import write_tiny


def test_failed_build_leaves_the_served_database_and_a_rebuild_is_picked_up(tmp_path):
    config = write_tiny(tmp_path)
    db = tmp_path / "served.duckdb"
    assert main(["build", str(config), "--db", str(db)]) == 0
    store = Store(db)
    count = "select count(*) as n from incidents"
    assert store.frame(count)["n"][0] == 7

    (tmp_path / "incidents.csv").rename(tmp_path / "gone.csv")
    assert main(["build", str(config), "--db", str(db)]) == 2
    assert store.frame(count)["n"][0] == 7  # still served, unchanged

    (tmp_path / "gone.csv").rename(tmp_path / "incidents.csv")
    with (tmp_path / "incidents.csv").open("a") as fh:
        fh.write("I10,overlast,2024-03-03,,101500,401500\n")
    assert main(["build", str(config), "--db", str(db)]) == 0
    assert store.frame(count)["n"][0] == 8  # the new file, without a restart
    values = queries.area_values(store, "incident_rate.total", "buurt", "2024")
    assert values.set_index("area_code").loc["BU99980202", "n"] == 2


def test_queries_bind_values_as_parameters(tiny_db):
    store = Store(tiny_db)
    hostile = "incident_rate.total' or '1'='1"
    assert queries.periods(store, hostile) == []
    assert queries.periods(store, "incident_rate.total") == ["2023", "2024"]
