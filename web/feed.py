"""The changes feed as Atom, so analysts can follow edits in a feed reader."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Request
from fastapi.responses import Response

from storage.history import list_changes
from storage.records import ChangeInfo
from web.api import DB, Filters

router = APIRouter(tags=["feed"])
ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 100


@router.get("/changes.atom", response_class=Response)
def changes_atom(request: Request, db: DB, filters: Filters) -> Response:
    page = list_changes(db, filters, limit=FEED_SIZE)
    return Response(atom_feed(page.items, str(request.url), str(request.base_url)),
                    media_type="application/atom+xml")


def change_link(base: str, change: ChangeInfo) -> str:
    """The citable page of a change: the diff for an edit, the statement otherwise."""
    page = f"{base.rstrip('/')}/statements/{change.site}/{change.source_id}"
    if change.kind == "edited" and change.from_seq and change.to_seq:
        return f"{page}/{change.lang}/diff?from={change.from_seq}&to={change.to_seq}"
    return page


def atom_feed(changes: list[ChangeInfo], self_url: str, base: str) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "ministry-watch: changes"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    newest = max((c.detected_at for c in changes), default=datetime.now(UTC))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = newest.isoformat()
    for change in changes:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        link = change_link(base, change)
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{link}#change-{change.id}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = (
            f"{change.kind}: {change.source_id} [{change.lang}] {change.title or ''}".strip()
        )
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = change.detected_at.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}link", href=link)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = (
            f"{change.significance or change.kind}; fields: {', '.join(change.fields) or '-'}; "
            f"+{change.chars_added}/-{change.chars_removed} characters"
        )
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
