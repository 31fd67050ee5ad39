"""Shared fixtures: the tiny municipality (units) and the Demostad demo build (integration)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from etl.db import connect
from etl.load import build
from tests.tiny import write_tiny

#: Real public data for checks that need it (../shared/data/real), set by a path setting.
REAL_DATA = Path(os.environ.get("UNEASE_REAL_DATA", Path(__file__).parents[2] / "shared/data/real"))


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("tiny")
    config = write_tiny(directory)
    db = directory / "tiny.duckdb"
    build(config, db)
    return db


@pytest.fixture()
def tiny_con(tiny_db):
    con = connect(tiny_db, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    from etl.demo import generate_demo

    directory = tmp_path_factory.mktemp("demo")
    generate_demo(directory)
    return directory


@pytest.fixture(scope="session")
def demo_db(demo_dir, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demodb") / "demo.duckdb"
    build(demo_dir / "demostad.toml", db)
    return db


@pytest.fixture()
def demo_con(demo_db):
    con = connect(demo_db, read_only=True)
    yield con
    con.close()


@pytest.fixture()
def copy_of(tmp_path):
    """Copy a directory of source files into a fresh tmp dir, to break one of them."""

    def _copy(directory: Path) -> Path:
        target = tmp_path / "src"
        shutil.copytree(directory, target)
        return target

    return _copy
