"""The storage layer on SQLite and PostgreSQL: schema, uniqueness, versions, transactions."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select

from storage.alerts import queue_alert
from storage.blobs import get_blob
from storage.captures import CaptureData, record_captures
from storage.changes import ChangeData, add_change
from storage.db import create_db_engine, transaction
from storage.migrate import upgrade
from storage.models import Alert, Base, Blob, Capture, Change, Edition, Run, Statement, Version
from storage.runs import close_run, open_run, set_stage_counts
from storage.search import include_name
from storage.statements import get_or_create_edition, get_or_create_statement
from storage.versions import Unchanged, VersionAdded, VersionContent, add_version
from tests import databases

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def content(body: str, title: str = "Statement") -> VersionContent:
    return VersionContent(content_hash=f"h:{title}:{body}", title=title, body=body)


def make_edition(engine: Engine, lang: str = "en", source_id: str = "1950123") -> int:
    with transaction(engine) as session:
        statement = get_or_create_statement(session, "testbed", source_id)
        edition, _ = get_or_create_edition(session, statement, lang, f"/{lang}/{source_id}/")
        return edition.id


def count(engine: Engine, model: type[Base]) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def run_concurrently(workers: int, work: Callable[[int], object]) -> list[object]:
    """Start `workers` threads that each open their own connection and meet at a barrier."""
    barrier = threading.Barrier(workers)
    results: list[object] = [None] * workers
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test below
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_migrations_reach_head_without_drift(backend: str, tmp_path) -> None:
    url = (
        f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        if backend == "sqlite"
        else databases.create_pg_database()
    )
    engine = create_db_engine(url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_name}
            )
            assert compare_metadata(context, Base.metadata) == []
            assert context.get_current_revision() is not None
    finally:
        engine.dispose()
        if backend == "postgres":
            databases.drop_pg_database(url)


def test_same_content_twice_gives_one_version(engine: Engine) -> None:
    edition_id = make_edition(engine)
    with transaction(engine) as session:
        first = add_version(session, edition_id, content("A"), None)
        second = add_version(session, edition_id, content("A"), None)
    assert isinstance(first, VersionAdded) and first.previous is None
    assert isinstance(second, Unchanged) and second.current.id == first.version.id
    assert count(engine, Version) == 1


def test_a_b_a_gives_three_versions(engine: Engine) -> None:
    edition_id = make_edition(engine)
    with transaction(engine) as session:
        results = [add_version(session, edition_id, content(b), None) for b in "ABA"]
    assert all(isinstance(r, VersionAdded) for r in results)
    assert [r.version.seq for r in results] == [1, 2, 3]
    assert results[2].previous.body == "B"
    with transaction(engine) as session:
        assert session.get(Edition, edition_id).current_version_id == results[2].version.id


def test_same_body_twice_gives_one_blob(engine: Engine) -> None:
    body = "<html>Заявление министра</html>".encode()
    with transaction(engine) as session:
        run = open_run(session, "r1", "testbed")
        items = [
            CaptureData(url=f"http://x/{i}", fetched_at=NOW, http_status=200, body=body)
            for i in range(2)
        ]
        recorded = record_captures(session, run, items)
    assert recorded.recorded == 2
    assert count(engine, Blob) == 1
    with transaction(engine) as session:
        sha = session.scalars(select(Capture.blob_sha256)).first()
        assert get_blob(session, sha) == body


def test_replayed_capture_batch_writes_nothing_twice(engine: Engine) -> None:
    item = CaptureData(
        url="http://x/en/1/",
        fetched_at=NOW,
        http_status=200,
        body=b"x",
        source_id="1",
        lang="en",
    )
    for _ in range(2):
        with transaction(engine) as session:
            run = open_run(session, "r1", "testbed")
            record_captures(session, run, [item])
    assert count(engine, Capture) == 1
    assert count(engine, Edition) == 1


def test_text_round_trips_in_every_script_and_times_are_utc(engine: Engine) -> None:
    edition_id = make_edition(engine)
    texts = "Заявление Лаврова · بيان وزير الخارجية · 外交部声明 · emoji ✓"
    moscow = datetime(2020, 11, 21, 17, 35, tzinfo=timezone(timedelta(hours=3)))
    with transaction(engine) as session:
        added = add_version(
            session,
            edition_id,
            VersionContent("h", title=texts, body=texts, published_at=moscow),
            None,
        )
        version_id = added.version.id
    with transaction(engine) as session:
        session.expire_all()
        version = session.get(Version, version_id)
        assert version.title == texts and version.body == texts
        assert version.published_at == moscow
        assert version.published_at.utcoffset() == timedelta(0)
        assert version.created_at.tzinfo is not None


def test_failed_write_leaves_nothing_half_written(engine: Engine) -> None:
    edition_id = make_edition(engine)
    with pytest.raises(RuntimeError, match="boom"), transaction(engine) as session:
        run = open_run(session, "r-fail", "testbed")
        record_captures(session, run, [CaptureData(url="http://x/1", fetched_at=NOW, body=b"body")])
        add_version(session, edition_id, content("A"), None)
        raise RuntimeError("boom")
    assert count(engine, Run) == 0
    assert count(engine, Capture) == 0
    assert count(engine, Blob) == 0
    assert count(engine, Version) == 0
    with transaction(engine) as session:
        assert session.get(Edition, edition_id).current_version_id is None


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), transaction(engine) as session:
        run = open_run(session, "r1", "testbed")
        record_captures(session, run, [CaptureData(url="u", fetched_at=datetime(2026, 1, 1))])


def test_concurrent_writers_of_the_same_version_end_with_one_row(engine: Engine) -> None:
    edition_id = make_edition(engine)

    def write(_: int) -> str:
        own = create_db_engine(str(engine.url.render_as_string(hide_password=False)))
        try:
            with transaction(own) as session:
                return type(add_version(session, edition_id, content("same"), None)).__name__
        finally:
            own.dispose()

    results = run_concurrently(4, write)
    assert sorted(results) == ["Unchanged"] * 3 + ["VersionAdded"]
    assert count(engine, Version) == 1


def test_concurrent_writers_of_the_same_capture_and_alert_end_with_one_row(
    engine: Engine,
) -> None:
    edition_id = make_edition(engine)
    with transaction(engine) as session:
        run = open_run(session, "r1", "testbed")
        change = add_change(
            session, ChangeData(edition_id=edition_id, run_id=run.id, kind="created")
        )
        change_id = change.id
    url = engine.url.render_as_string(hide_password=False)

    def write(index: int) -> None:
        own = create_db_engine(url)
        try:
            with transaction(own) as session:
                run = open_run(session, "r1", "testbed")
                record_captures(
                    session,
                    run,
                    [
                        CaptureData(
                            url="http://x/en/1950123/",
                            fetched_at=NOW,
                            http_status=200,
                            body=b"same body",
                            source_id="1950123",
                            lang="en",
                        )
                    ],
                )
                queue_alert(session, change_id, "analyst@example.org", run.id)
                get_or_create_statement(session, "testbed", "new-one")
        finally:
            own.dispose()

    run_concurrently(4, write)
    assert count(engine, Capture) == 1
    assert count(engine, Blob) == 1
    assert count(engine, Alert) == 1
    assert count(engine, Statement) == 2


def test_one_change_per_version_and_per_kind_in_a_run(engine: Engine) -> None:
    edition_id = make_edition(engine)
    with transaction(engine) as session:
        run = open_run(session, "r1", "testbed")
        version = add_version(session, edition_id, content("A"), None).version
        data = ChangeData(
            edition_id=edition_id, run_id=run.id, kind="created", version_id=version.id
        )
        assert add_change(session, data) is not None
        assert add_change(session, data) is None
    assert count(engine, Change) == 1


def test_run_counts_are_replaced_per_stage(engine: Engine) -> None:
    with transaction(engine) as session:
        run = open_run(session, "r1", "testbed")
        set_stage_counts(run, "crawl", {"pages": 3})
        set_stage_counts(run, "crawl", {"pages": 5})
        set_stage_counts(run, "normalise", {"versions": 1})
        close_run(run)
    with transaction(engine) as session:
        run = open_run(session, "r1", "testbed")
        assert run.counts == {"crawl": {"pages": 5}, "normalise": {"versions": 1}}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not a url", "MINISTRY_WATCH_DATABASE_URL is not a database URL"),
        ("mysql://u@h/db", "MINISTRY_WATCH_DATABASE_URL names backend 'mysql'"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/x", "MINISTRY_WATCH_DATABASE_URL"),
    ],
)
def test_bad_database_url_is_one_line_and_exit_2(value: str, message: str, tmp_path) -> None:
    env = {**os.environ, "MINISTRY_WATCH_DATABASE_URL": value}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "db", "upgrade"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert not list(tmp_path.iterdir())
