"""A served dashboard prepares its opening map before its first visitor."""

from dashboard.app import create_app
from dashboard.warm import warm


def test_preparing_the_opening_map_returns_its_time(demo_db):
    seconds = warm(create_app(demo_db), demo_db)
    assert seconds is not None and seconds > 0


def test_a_file_that_cannot_be_read_does_not_keep_the_server_from_starting(
    demo_db, tmp_path, capsys
):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"not a database")
    assert warm(create_app(demo_db), broken) is None
    said = capsys.readouterr().err
    assert said.startswith("unease serve: the opening map was not prepared (")
    assert "Traceback" not in said
