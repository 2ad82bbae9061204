"""Site files: what to crawl and how to read it, one YAML file per ministry, validated on load.

One loader for every consumer (spider, normalise, check, DAG). A wrong file raises
SiteFileError naming the file, the key and the reason, before any request is made.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from parsel import Selector as ParselSelector
from parsel import SelectorList
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from storage.errors import InputError

SITES_DIR = Path(__file__).parent / "sites"
SITES_DIR_VARIABLE = "MINISTRY_WATCH_SITES_DIR"


class SiteFileError(InputError):
    """A site file is missing, unreadable or invalid."""


def _css_or_xpath(value: str) -> str:
    from parsel import Selector

    try:
        if value.startswith(("/", "(")):
            Selector(text="<html></html>").xpath(value)
        else:
            Selector(text="<html></html>").css(value)
    except Exception as exc:  # noqa: BLE001 - parsel raises several types for a bad selector
        raise ValueError(f"not a valid CSS or XPath selector: {value!r} ({exc})") from exc
    return value


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {value!r} ({exc})") from exc
    return value


Selector = Annotated[str, AfterValidator(_css_or_xpath)]
Regex = Annotated[str, AfterValidator(_regex)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Listing(Strict):
    """A paginated list of statement links, per language."""

    url: str = Field(description="path or URL with {lang} and {page}")
    links: Selector
    first_page: int = 1
    max_pages: int = Field(default=5, ge=1)
    backfill_pages: int | None = Field(
        default=None, ge=1, description="pages while a language has no known edition; None: all"
    )
    languages: list[str] | None = None

    @field_validator("url")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        if "{page}" not in value:
            raise ValueError("must contain {page}")
        return value


class Fields(Strict):
    title: Selector
    body: Selector
    published: Selector | None = None
    number: Selector | None = None
    tags: Selector | None = None


class NotContent(Strict):
    """How to recognise a page that is not the statement (served with status 200)."""

    texts: list[str] = Field(default_factory=list, description="phrases of interstitials")
    selectors: list[Selector] = Field(default_factory=list, description="error-page markers")
    min_body_chars: int = Field(default=1, ge=0)


class StatementPages(Strict):
    url: list[Regex] = Field(description="regexes with named groups lang and source_id")
    editions: Selector
    fields: Fields
    drop: list[Selector] = Field(default_factory=list)
    dates: dict[str, list[str]] = Field(default_factory=dict)
    months: dict[str, list[str]] = Field(default_factory=dict)
    not_content: NotContent = NotContent()

    @field_validator("url", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _named_groups(cls, value: list[str]) -> list[str]:
        for pattern in value:
            groups = re.compile(pattern).groupindex
            if "lang" not in groups or "source_id" not in groups:
                raise ValueError(f"{pattern!r} needs named groups (?P<lang>) and (?P<source_id>)")
        return value

    @field_validator("dates", mode="before")
    @classmethod
    def _formats(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("months")
    @classmethod
    def _twelve(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for lang, names in value.items():
            if len(names) != 12:
                raise ValueError(f"months.{lang} must list 12 names, found {len(names)}")
        return value


class Recheck(Strict):
    """Which known editions to fetch again on a night."""

    recent_days: int = Field(default=7, ge=0, description="every night while this young")
    every_days: int = Field(default=30, ge=1, description="older ones at least this often")


class Politeness(Strict):
    delay_s: float = Field(default=2.0, ge=0)
    concurrency: int = Field(default=2, ge=1)
    obey_robots: bool = True
    autothrottle: bool = True
    timeout_s: float = Field(default=30.0, gt=0)
    retries: int = Field(default=3, ge=0)


class Site(Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    base_url: str
    allowed_domains: list[str] = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    timezone: str = "UTC"
    listings: list[Listing] = Field(min_length=1)
    feeds: list[str] = Field(default_factory=list)
    statement: StatementPages
    recheck: Recheck = Recheck()
    politeness: Politeness = Politeness()

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _host_allowed(self) -> Site:
        if not host_allowed(urlsplit(self.base_url).hostname or "", self.allowed_domains):
            raise ValueError(f"base_url host is not in allowed_domains {self.allowed_domains}")
        return self

    def absolute(self, path_or_url: str) -> str:
        return path_or_url if "://" in path_or_url else f"{self.base_url}{path_or_url}"

    def match_statement(self, url: str) -> tuple[str, str] | None:
        """(lang, source_id) when `url` is a statement page of this site, else None."""
        path = urlsplit(url).path if "://" in url else url
        for pattern in self.statement.url:
            found = re.search(pattern, path)
            if found:
                return found.group("lang"), found.group("source_id")
        return None


def select(selector: ParselSelector, expression: str) -> SelectorList:
    """Apply a site-file selector: XPath when it starts with `/` or `(`, CSS otherwise."""
    if expression.startswith(("/", "(")):
        return selector.xpath(expression)
    return selector.css(expression)


def host_allowed(host: str, domains: list[str]) -> bool:
    host = host.lower()
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in domains)


def site_path(name: str) -> Path:
    """A key (`mid`) names `<sites dir>/<key>.yaml`; anything with a slash or suffix is a path."""
    if "/" in name or name.endswith((".yaml", ".yml")):
        return Path(name)
    directory = Path(os.environ.get(SITES_DIR_VARIABLE) or SITES_DIR)
    return directory / f"{name}.yaml"


def load_site(name: str, base_url: str | None = None) -> Site:
    """Load and validate a site file; `base_url` moves the site (a testbed on another port)."""
    path = site_path(name)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SiteFileError(f"{path}: no such site file") from exc
    except yaml.YAMLError as exc:
        raise SiteFileError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from exc
    if not isinstance(raw, dict):
        raise SiteFileError(f"{path}: must be a mapping of keys, not {type(raw).__name__}")
    if base_url:
        raw["base_url"] = base_url
    try:
        return Site.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise SiteFileError(f"{path}: {where}: {first['msg']}{more}") from exc


def site_keys() -> list[str]:
    directory = Path(os.environ.get(SITES_DIR_VARIABLE) or SITES_DIR)
    return sorted(p.stem for p in directory.glob("*.yaml"))
