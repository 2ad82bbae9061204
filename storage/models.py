"""SQLAlchemy 2 models: DESIGN.md's vocabulary as tables.

Raw observations (captures and their blobs) are kept apart from derived content (versions and
changes), so versions can be re-derived from stored captures. Every uniqueness rule of the
design is a database constraint.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Run(Base):
    """One pass of the pipeline over a site; `key` is the Airflow run id or a CLI-made key."""

    __tablename__ = "run"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(250), unique=True)
    site: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="nightly")
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Statement(Base):
    __tablename__ = "statement"
    __table_args__ = (UniqueConstraint("site", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(String(128))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    editions: Mapped[list[Edition]] = relationship(back_populates="statement")


class Edition(Base):
    """One language of a statement. `state` is `active` or `removed` (a confirmed removal)."""

    __tablename__ = "edition"
    __table_args__ = (UniqueConstraint("statement_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"))
    lang: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="active")
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_checked_at: Mapped[datetime | None]
    current_version_id: Mapped[int | None] = mapped_column(ForeignKey("version.id", use_alter=True))

    statement: Mapped[Statement] = relationship(back_populates="editions")
    current_version: Mapped[Version | None] = relationship(foreign_keys=[current_version_id])


class Blob(Base):
    """A raw response body, stored once: keyed by the SHA-256 of the uncompressed bytes."""

    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    encoding: Mapped[str] = mapped_column(String(16), default="zlib")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Capture(Base):
    """One fetch of one URL in one run: the response (status, validators, body) or the error.

    `outcome` is set by the normalise stage: `version`, `unchanged`, `unusable`, `error`,
    `not_modified`; NULL means not normalised yet.
    """

    __tablename__ = "capture"
    __table_args__ = (
        UniqueConstraint("run_id", "url"),
        Index("ix_capture_edition_fetched", "edition_id", "fetched_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("edition.id"))
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    http_status: Mapped[int | None]
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(128))
    blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blob.sha256"))
    error_kind: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_reason: Mapped[str | None] = mapped_column(Text)

    edition: Mapped[Edition | None] = relationship()


class Version(Base):
    """One distinct normalised content of an edition; `seq` counts from 1 per edition."""

    __tablename__ = "version"
    __table_args__ = (UniqueConstraint("edition_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"))
    seq: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    published_text: Mapped[str | None] = mapped_column(Text)
    number: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    body: Mapped[str] = mapped_column(Text, default="")
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    observed_at: Mapped[datetime] = mapped_column(default=utcnow)
    rebuilt: Mapped[bool] = mapped_column(Boolean, default=False)

    edition: Mapped[Edition] = relationship(foreign_keys=[edition_id])


class Change(Base):
    """What happened to an edition between two observations.

    An `edited` change carries per-field patches and figures in `diff`; the summed figures are
    columns so they can be queried.
    """

    __tablename__ = "change"
    __table_args__ = (
        UniqueConstraint("version_id"),
        UniqueConstraint("edition_id", "run_id", "kind"),
        Index("ix_change_detected", "detected_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("version.id"))
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("version.id"))
    significance: Mapped[str | None] = mapped_column(String(16))
    fields: Mapped[list[Any]] = mapped_column(default=list)
    diff: Mapped[dict[str, Any]] = mapped_column(default=dict)
    chars_added: Mapped[int] = mapped_column(Integer, default=0)
    chars_removed: Mapped[int] = mapped_column(Integer, default=0)
    words_added: Mapped[int] = mapped_column(Integer, default=0)
    words_removed: Mapped[int] = mapped_column(Integer, default=0)
    similarity: Mapped[float | None] = mapped_column(Float)
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)

    edition: Mapped[Edition] = relationship(foreign_keys=[edition_id])
    version: Mapped[Version | None] = relationship(foreign_keys=[version_id])
    previous_version: Mapped[Version | None] = relationship(foreign_keys=[previous_version_id])


class Alert(Base):
    """One email to one recipient about one change, kept in the outbox until sent.

    Changes mailed together in one digest share `digest_key`.
    """

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("change_id", "recipient"),
        Index("ix_alert_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change.id"))
    recipient: Mapped[str] = mapped_column(String(320))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("run.id"))
    digest_key: Mapped[str | None] = mapped_column(String(250))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(250))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    change: Mapped[Change] = relationship()
