"""Raw bodies, content-addressed by SHA-256 and compressed: a body seen twice is stored once."""

from __future__ import annotations

import hashlib
import zlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Blob
from storage.types import utcnow
from storage.upsert import insert_ignore


def blob_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(session: Session, data: bytes) -> str:
    """Store `data` unless a blob with the same SHA-256 exists; returns the key."""
    key = blob_key(data)
    exists = session.scalar(select(Blob.sha256).where(Blob.sha256 == key))
    if exists is None:
        insert_ignore(
            session,
            Blob,
            {
                "sha256": key,
                "size": len(data),
                "encoding": "zlib",
                "data": zlib.compress(data, 6),
                "created_at": utcnow(),
            },
            ["sha256"],
        )
    return key


def get_blob(session: Session, key: str) -> bytes:
    blob = session.get(Blob, key)
    if blob is None:
        raise LookupError(f"no blob {key}")
    if blob.encoding != "zlib":
        raise ValueError(f"blob {key} has unknown encoding {blob.encoding!r}")
    return zlib.decompress(blob.data)
