"""`history` and `search` latency on a PostgreSQL history of a million versions.

Bulk-loads a throw-away database in the real tables (COPY): 50,000 statements in five
languages, four versions per edition and one change per version, with the search index
filled set-wise; then times `storage.history.statement_history` for random statements and
`storage.search.search` for random two-word phrases. Targets: history p95 <= 10 ms, search
p95 <= 100 ms. The database is dropped at the end.

    .venv/bin/python bench/bench_history.py
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, create_engine, text

from storage.db import create_db_engine, transaction
from storage.history import statement_history
from storage.migrate import upgrade
from storage.search import search

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STATEMENTS = 50_000
LANGS = ("ru", "en", "de", "fr", "es")
VERSIONS = 4
ROUNDS = 300
WORKERS = 2
BODY_WORDS = 40
START = datetime(2020, 1, 1, tzinfo=UTC)
rng = random.Random(8)
VOCABULARY = [
    "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 10)))
    for _ in range(20_000)
]


def admin(statement: str) -> None:
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def body(words: int = BODY_WORDS) -> str:
    return " ".join(rng.choices(VOCABULARY, k=words))


def copy_rows(engine: Engine, table: str, columns: str, rows: Iterator[tuple]) -> None:
    """COPY with foreign-key and search triggers off (replica role): the rows are made
    consistent here, and the search index is filled set-wise afterwards."""
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("SET session_replication_role = DEFAULT")
        raw.commit()
    finally:
        raw.close()


def version_rows(statements: int) -> Iterator[tuple]:
    version_id = 0
    for edition_id in range(1, statements * len(LANGS) + 1):
        for seq in range(1, VERSIONS + 1):
            version_id += 1
            seen = START + timedelta(days=seq * 7, seconds=edition_id)
            yield (version_id, edition_id, seq, uuid.uuid4().hex, body(8), body(), "[]",
                   seen, seen, False)


def change_rows(statements: int, run_id: int) -> Iterator[tuple]:
    version_id = 0
    for edition_id in range(1, statements * len(LANGS) + 1):
        for seq in range(1, VERSIONS + 1):
            version_id += 1
            kind = "created" if seq == 1 else "edited"
            previous = None if seq == 1 else version_id - 1
            seen = START + timedelta(days=seq * 7, seconds=edition_id)
            yield (edition_id, run_id + seq - 1, kind, version_id, previous, "[]", "{}",
                   0, 0, 0, 0, seen)


def load(engine: Engine, statements: int) -> None:
    started = time.perf_counter()
    copy_rows(engine, "run", "id, key, site, kind, status, started_at, counts, errors, policy",
              ((n, f"bench-{n}", "bench", "nightly", "finished", START, "{}", "[]", "{}")
               for n in range(1, VERSIONS + 1)))
    copy_rows(engine, "statement", "id, site, source_id, first_seen_at",
              ((n, "bench", str(1_000_000 + n), START) for n in range(1, statements + 1)))
    copy_rows(engine, "edition", "id, statement_id, lang, url, state, first_seen_at",
              ((s * len(LANGS) + i + 1, s + 1, lang, f"https://bench.invalid/{lang}/{s}/",
                "active", START) for s in range(statements) for i, lang in enumerate(LANGS)))
    copy_rows(engine, "version", "id, edition_id, seq, content_hash, title, body, tags, "
              "created_at, observed_at, rebuilt", version_rows(statements))
    copy_rows(engine, "change", "edition_id, run_id, kind, version_id, previous_version_id, "
              "fields, diff, chars_added, chars_removed, words_added, words_removed, "
              "detected_at", change_rows(statements, 1))
    print(f"  COPY of the rows: {time.perf_counter() - started:.0f} s")
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_version_search_document"))
        connection.execute(text("UPDATE edition SET current_version_id = edition.id * :n"),
                           {"n": VERSIONS})
        for table in ("run", "statement", "edition", "version", "change"):
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"))
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda part: index_part(engine, part), range(WORKERS)))
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        connection.execute(text(
            "CREATE INDEX ix_version_search_document ON version_search USING gin (document)"))
    print(f"  search index and current versions: {time.perf_counter() - started:.0f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def index_part(engine: Engine, part: int) -> None:
    """Fill the search index for one share of the versions, as the trigger would."""
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO version_search (version_id, lang, document) "
            "SELECT v.id, e.lang, setweight(to_tsvector(mw_search_config(e.lang), v.title), 'A')"
            " || setweight(to_tsvector(mw_search_config(e.lang), v.body), 'B') "
            "FROM version v JOIN edition e ON e.id = v.edition_id WHERE v.id % :n = :part"),
            {"n": WORKERS, "part": part})


def timed(call: Callable[[], object]) -> list[float]:
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(name: str, samples: list[float], target: float) -> None:
    cuts = statistics.quantiles(samples, n=100)
    verdict = "ok" if cuts[94] <= target else "OVER TARGET"
    print(f"{name}: p50 {cuts[49]:.2f} ms, p95 {cuts[94]:.2f} ms (target p95 <= {target} ms) "
          f"{verdict}")


def main() -> None:
    run(STATEMENTS)


def run(statements: int, keep: bool = False) -> str:
    """Load `statements` statements (20 versions each), time the queries; returns the
    database name (dropped unless `keep`)."""
    name = f"mw_bench_{uuid.uuid4().hex[:10]}"
    admin(f'CREATE DATABASE "{name}"')
    engine = create_db_engine(ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        upgrade(engine)
        started = time.perf_counter()
        load(engine, statements)
        total = statements * len(LANGS) * VERSIONS
        print(f"loaded {total:,} versions and {total:,} changes in "
              f"{time.perf_counter() - started:.0f} s")
        ids = [str(1_000_000 + rng.randint(1, statements)) for _ in range(ROUNDS)]
        phrases = [f"{rng.choice(VOCABULARY)} {rng.choice(VOCABULARY)}" for _ in range(ROUNDS)]
        with transaction(engine) as session:
            history_ids = iter(ids)
            report("history", timed(lambda: statement_history(session, next(history_ids),
                                                              "bench")), 10)
            words = iter(phrases)
            report("search", timed(lambda: search(session, next(words))), 100)
            words = iter(phrases)
            report("search --lang en",
                   timed(lambda: search(session, next(words), lang="en")), 100)
    finally:
        engine.dispose()
        if not keep:
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return name


if __name__ == "__main__":
    main()
