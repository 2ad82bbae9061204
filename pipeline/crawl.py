"""The crawl stage: start the statement spider as a `scrapy crawl` subprocess and read back the
counts it stored on the run. Scrapy is never imported here; its reactor lives in the child."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from scrapers.sitefile import load_site
from storage import db
from storage.crawl_state import crawl_counts, shard_key
from storage.errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
STDERR_TAIL_LINES = 15
STOP_TIMEOUT_S = 10


class CrawlError(RuntimeError):
    """The crawl process failed or finished without storing its counts."""


@dataclass(frozen=True)
class CrawlResult:
    """The counts one crawl shard stored under `run.counts["crawl"][shard]`.

    `responses` counts HTTP answers (listing, feed and statement pages); `errors` counts the
    fetches that got no usable answer."""

    site: str
    run_key: str
    shard: str
    responses: int
    captures: int
    errors: int
    counts: dict[str, Any]


def scrapy_command(
    site_key: str,
    run_key: str,
    base_url: str | None,
    languages: list[str] | None,
    polite: bool,
    extra_settings: dict[str, Any] | None,
    log_file: Path | None,
    recheck_all: bool = False,
) -> list[str]:
    """The `python -m scrapy crawl statements ...` command line for one shard."""
    command = [sys.executable, "-m", "scrapy", "crawl", "statements",
               "-a", f"site={site_key}", "-a", f"run={run_key}"]
    if base_url:
        command += ["-a", f"base_url={base_url}"]
    if languages:
        command += ["-a", f"languages={','.join(languages)}"]
    if not polite:
        command += ["-a", "polite=0"]
    if recheck_all:
        command += ["-a", "recheck=all"]
    settings = dict(extra_settings or {})
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        settings["LOG_FILE"] = str(log_file)
    for name, value in settings.items():
        text = value if isinstance(value, str) else json.dumps(value)
        command += ["-s", f"{name}={text}"]
    return command


class CrawlProcess:
    """A crawl running in its subprocess (`start_crawl`); `wait` reads back its result."""

    def __init__(self, site_key: str, run_key: str, shard: str, url: str,
                 command: list[str], log_file: Path | None) -> None:
        self.site_key, self.run_key, self.shard, self.url = site_key, run_key, shard, url
        self.log_file = log_file
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        env = {**os.environ, db.URL_VARIABLE: url}
        self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, text=True,
                                        stdout=subprocess.DEVNULL, stderr=self._stderr)

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """End the process (the captures it stored stay; a re-run of the run resumes)."""
        if self.running():
            self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._stderr.close()

    def wait(self) -> CrawlResult:
        """The stored counts once the process ended; CrawlError when it failed."""
        returncode = self.process.wait()
        self._stderr.seek(0)
        stderr = self._stderr.read()
        self._stderr.close()
        counts = _stored_counts(self.url, self.run_key, self.shard)
        if returncode != 0 or counts is None or counts.get("finish_reason") != "finished":
            tail = "\n".join(_output(stderr, self.log_file).splitlines()[-STDERR_TAIL_LINES:])
            reason = counts.get("storage_error") or counts.get("finish_reason") if counts else (
                "no counts stored")
            raise CrawlError(
                f"crawl of {self.site_key} shard {self.shard} for run {self.run_key} failed "
                f"(exit status {returncode}, {reason}):\n{tail}"
            )
        return _result(self.site_key, self.run_key, self.shard, counts)


def start_crawl(
    site_key: str,
    run_key: str,
    *,
    base_url: str | None = None,
    languages: list[str] | None = None,
    polite: bool = True,
    database_url: str | None = None,
    extra_settings: dict[str, Any] | None = None,
    log_file: Path | None = None,
    recheck_all: bool = False,
) -> CrawlProcess:
    """Start `crawl` without waiting for it: the caller may work on the captures already
    stored, then call `wait()` on the handle."""
    site = load_site(site_key, base_url=base_url)
    if languages:
        unknown = [lang for lang in languages if lang not in site.languages]
        if unknown:
            raise InputError(
                f"site {site.key!r} has no language {', '.join(unknown)} "
                f"(it publishes {', '.join(site.languages)})"
            )
    command = scrapy_command(site_key, run_key, base_url, languages, polite, extra_settings,
                             log_file, recheck_all)
    return CrawlProcess(site.key, run_key, shard_key(languages),
                        database_url or db.database_url(), command, log_file)


def crawl(
    site_key: str,
    run_key: str,
    *,
    base_url: str | None = None,
    languages: list[str] | None = None,
    polite: bool = True,
    database_url: str | None = None,
    extra_settings: dict[str, Any] | None = None,
    log_file: Path | None = None,
    recheck_all: bool = False,
) -> CrawlResult:
    """Crawl one site (or one language shard of it) into run `run_key`.

    The site file is validated first, so a wrong one raises SiteFileError before any request.
    Shards of one run may crawl at the same time; each stores its own counts. `recheck_all`
    re-fetches every known edition instead of the site file's re-check slice.
    """
    return start_crawl(
        site_key, run_key, base_url=base_url, languages=languages, polite=polite,
        database_url=database_url, extra_settings=extra_settings, log_file=log_file,
        recheck_all=recheck_all,
    ).wait()


def _output(stderr: str, log_file: Path | None) -> str:
    """What the crawl process said: its stderr, or its log file when it logged there."""
    if log_file is not None and log_file.exists():
        return log_file.read_text(encoding="utf-8", errors="replace")
    return stderr.strip()


def _stored_counts(url: str, run_key: str, shard: str) -> dict[str, Any] | None:
    engine = db.create_db_engine(url)
    try:
        with db.transaction(engine) as session:
            return crawl_counts(session, run_key, shard)
    except (InputError, SQLAlchemyError):
        return None
    finally:
        engine.dispose()


def _result(site: str, run_key: str, shard: str, counts: dict[str, Any]) -> CrawlResult:
    by_status = counts.get("by_status", {})
    failed = sum(n for key, n in by_status.items() if not key.isdigit())
    return CrawlResult(
        site=site,
        run_key=run_key,
        shard=shard,
        responses=int(counts.get("pages", 0)),
        captures=int(counts.get("captures", 0)),
        errors=failed + int(counts.get("page_errors", 0)),
        counts=counts,
    )
