"""Raw bodies, content-addressed by SHA-256 and compressed: a body seen twice is stored once."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Blob
from storage.types import utcnow
from storage.upsert import insert_ignore_rows

# Level 6 against 1: 146 against 102 µs per 7.7 KiB testbed page, for 10% smaller blobs.
COMPRESSION_LEVEL = 6


def blob_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(session: Session, data: bytes) -> str:
    """Store `data` unless a blob with the same SHA-256 exists; returns the key."""
    return put_blobs(session, [data])[0]


def put_blobs(session: Session, bodies: Sequence[bytes]) -> list[str]:
    """Store the bodies not stored yet, each distinct one compressed once, in two statements;
    returns their keys in the order given. Bodies already stored are not compressed at all."""
    keys = [blob_key(data) for data in bodies]
    distinct = dict(zip(keys, bodies, strict=True))
    if not distinct:
        return keys
    stored = set(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(distinct))))
    now = utcnow()
    rows = [
        {"sha256": key, "size": len(data), "encoding": "zlib",
         "data": zlib.compress(data, COMPRESSION_LEVEL), "created_at": now}
        for key, data in sorted(distinct.items())
        if key not in stored
    ]
    insert_ignore_rows(session, Blob.__table__, rows, ["sha256"], ["sha256"])
    return keys


def get_blob(session: Session, key: str) -> bytes:
    blob = session.get(Blob, key)
    if blob is None:
        raise LookupError(f"no blob {key}")
    if blob.encoding != "zlib":
        raise ValueError(f"blob {key} has unknown encoding {blob.encoding!r}")
    return zlib.decompress(blob.data)
