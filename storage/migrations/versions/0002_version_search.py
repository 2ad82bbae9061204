"""full-text search over every version

SQLite: an FTS5 index whose content is the version table, kept in step by triggers.
PostgreSQL: a `version_search` table holding each version's tsvector, built with the text
search configuration of its edition's language and kept in step by a trigger; GIN-indexed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 08:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE version_fts USING fts5("
    "title, body, content='version', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER version_fts_after_insert AFTER INSERT ON version BEGIN "
    "INSERT INTO version_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER version_fts_after_delete AFTER DELETE ON version BEGIN "
    "INSERT INTO version_fts(version_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER version_fts_after_update AFTER UPDATE OF title, body ON version BEGIN "
    "INSERT INTO version_fts(version_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO version_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO version_fts(version_fts) VALUES ('rebuild')",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS version_fts_after_update",
    "DROP TRIGGER IF EXISTS version_fts_after_delete",
    "DROP TRIGGER IF EXISTS version_fts_after_insert",
    "DROP TABLE IF EXISTS version_fts",
]

PG_UP = [
    """
    CREATE FUNCTION mw_search_config(lang text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT (CASE split_part(lower(coalesce(lang, '')), '-', 1)
        WHEN 'ru' THEN 'pg_catalog.russian'
        WHEN 'en' THEN 'pg_catalog.english'
        WHEN 'de' THEN 'pg_catalog.german'
        WHEN 'fr' THEN 'pg_catalog.french'
        WHEN 'es' THEN 'pg_catalog.spanish'
        ELSE 'pg_catalog.simple' END)::regconfig
    $$
    """,
    """
    CREATE TABLE version_search (
      version_id integer PRIMARY KEY REFERENCES version(id) ON DELETE CASCADE,
      lang varchar(16) NOT NULL,
      document tsvector NOT NULL
    )
    """,
    "CREATE INDEX ix_version_search_document ON version_search USING gin (document)",
    """
    CREATE FUNCTION mw_version_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      edition_lang text;
    BEGIN
      SELECT e.lang INTO edition_lang FROM edition e WHERE e.id = NEW.edition_id;
      INSERT INTO version_search (version_id, lang, document)
      VALUES (
        NEW.id,
        edition_lang,
        setweight(to_tsvector(mw_search_config(edition_lang), coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector(mw_search_config(edition_lang), coalesce(NEW.body, '')), 'B')
      )
      ON CONFLICT (version_id) DO UPDATE
        SET lang = EXCLUDED.lang, document = EXCLUDED.document;
      RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER version_search_sync AFTER INSERT OR UPDATE OF title, body ON version "
    "FOR EACH ROW EXECUTE FUNCTION mw_version_search_sync()",
    """
    INSERT INTO version_search (version_id, lang, document)
    SELECT v.id, e.lang,
      setweight(to_tsvector(mw_search_config(e.lang), v.title), 'A')
      || setweight(to_tsvector(mw_search_config(e.lang), v.body), 'B')
    FROM version v JOIN edition e ON e.id = v.edition_id
    """,
]

PG_DOWN = [
    "DROP TRIGGER IF EXISTS version_search_sync ON version",
    "DROP FUNCTION IF EXISTS mw_version_search_sync()",
    "DROP TABLE IF EXISTS version_search",
    "DROP FUNCTION IF EXISTS mw_search_config(text)",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP)


def downgrade() -> None:
    _run(PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN)
