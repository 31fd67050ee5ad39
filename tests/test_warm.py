"""A served dashboard prepares its opening map before its first visitor."""

from dashboard.app import create_app
from dashboard.map_view import _whole_map
from dashboard.warm import warm


def test_the_opening_maps_are_built_once_before_the_first_visitor(demo_db):
    app = create_app(demo_db)
    before = _whole_map.cache_info()
    assert warm(app) is not None
    built = _whole_map.cache_info()
    assert built.misses == before.misses + 2  # without and with the background map
    assert warm(app) is not None  # asked again: nothing is built again
    again = _whole_map.cache_info()
    assert again.misses == built.misses and again.hits == built.hits + 2


def test_a_file_that_cannot_be_read_does_not_keep_the_server_from_starting(tmp_path, capsys):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"not a database")
    assert warm(create_app(broken)) is None
    said = capsys.readouterr().err
    assert said.startswith("unease: the opening map was not prepared (")
    assert said.count("\n") == 1 and "Traceback" not in said
