"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 08:25:02.482692
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("encoding", sa.String(length=16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blob")),
    )
    op.create_table(
        "run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run")),
        sa.UniqueConstraint("key", name=op.f("uq_run_key")),
    )
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_site"), ["site"], unique=False)

    op.create_table(
        "statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.String(length=128), nullable=False),
        sa.Column("first_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement")),
        sa.UniqueConstraint("site", "source_id", name=op.f("uq_statement_site_source_id")),
    )
    op.create_table(
        "edition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("first_seen_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_checked_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["statement_id"], ["statement.id"], name=op.f("fk_edition_statement_id_statement")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition")),
        sa.UniqueConstraint("statement_id", "lang", name=op.f("uq_edition_statement_id_lang")),
    )
    op.create_table(
        "capture",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("fetched_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("content_type", sa.String(length=128), nullable=True),
        sa.Column("blob_sha256", sa.String(length=64), nullable=True),
        sa.Column("error_kind", sa.String(length=32), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["blob_sha256"], ["blob.sha256"], name=op.f("fk_capture_blob_sha256_blob")
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["edition.id"], name=op.f("fk_capture_edition_id_edition")
        ),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], name=op.f("fk_capture_run_id_run")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capture")),
        sa.UniqueConstraint("run_id", "url", name=op.f("uq_capture_run_id_url")),
    )
    with op.batch_alter_table("capture", schema=None) as batch_op:
        batch_op.create_index(
            "ix_capture_edition_fetched", ["edition_id", "fetched_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_capture_run_id"), ["run_id"], unique=False)

    op.create_table(
        "version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_text", sa.Text(), nullable=True),
        sa.Column("number", sa.Text(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("observed_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rebuilt", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["capture_id"], ["capture.id"], name=op.f("fk_version_capture_id_capture")
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["edition.id"], name=op.f("fk_version_edition_id_edition")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version")),
        sa.UniqueConstraint("edition_id", "seq", name=op.f("uq_version_edition_id_seq")),
    )
    op.create_table(
        "change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("previous_version_id", sa.Integer(), nullable=True),
        sa.Column("significance", sa.String(length=16), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.Column("chars_added", sa.Integer(), nullable=False),
        sa.Column("chars_removed", sa.Integer(), nullable=False),
        sa.Column("words_added", sa.Integer(), nullable=False),
        sa.Column("words_removed", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("detected_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["edition.id"], name=op.f("fk_change_edition_id_edition")
        ),
        sa.ForeignKeyConstraint(
            ["previous_version_id"],
            ["version.id"],
            name=op.f("fk_change_previous_version_id_version"),
        ),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], name=op.f("fk_change_run_id_run")),
        sa.ForeignKeyConstraint(
            ["version_id"], ["version.id"], name=op.f("fk_change_version_id_version")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change")),
        sa.UniqueConstraint(
            "edition_id", "run_id", "kind", name=op.f("uq_change_edition_id_run_id_kind")
        ),
        sa.UniqueConstraint("version_id", name=op.f("uq_change_version_id")),
    )
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.create_index("ix_change_detected", ["detected_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_edition_id"), ["edition_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_run_id"), ["run_id"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("digest_key", sa.String(length=250), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=250), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"], ["change.id"], name=op.f("fk_alert_change_id_change")
        ),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], name=op.f("fk_alert_run_id_run")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint("change_id", "recipient", name=op.f("uq_alert_change_id_recipient")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index("ix_alert_status_next", ["status", "next_attempt_at"], unique=False)

    with op.batch_alter_table("edition", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_edition_current_version_id_version"),
            "version",
            ["current_version_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("edition", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_edition_current_version_id_version"), type_="foreignkey"
        )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_status_next")

    op.drop_table("alert")
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_run_id"))
        batch_op.drop_index(batch_op.f("ix_change_edition_id"))
        batch_op.drop_index("ix_change_detected")

    op.drop_table("change")
    op.drop_table("version")
    with op.batch_alter_table("capture", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capture_run_id"))
        batch_op.drop_index("ix_capture_edition_fetched")

    op.drop_table("capture")
    op.drop_table("edition")
    op.drop_table("statement")
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_site"))

    op.drop_table("run")
    op.drop_table("blob")
