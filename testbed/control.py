"""The `/_testbed/` endpoints: read the state and truth, move the night, switch faults, churn."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from storage.errors import InputError
from testbed.churn import churn, parse_request
from testbed.faults import FAULTS, parse_spec
from testbed.httpd import Request, Response
from testbed.truth import truth

if TYPE_CHECKING:
    from testbed.site import Testbed


def _json(status: int, payload: Any) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(status, body, [("Cache-Control", "no-store")],
                    "application/json; charset=UTF-8")


def state(testbed: Testbed) -> dict[str, Any]:
    return {
        "night": testbed.night,
        "last_night": testbed.timeline.last,
        "statements": testbed.statements,
        "seed": testbed.seed,
        "faults": testbed.faults.as_json(),
        "fault_names": list(FAULTS),
        "requests": testbed.requests,
    }


def handle(testbed: Testbed, request: Request) -> Response:
    """Answer a control request; bad input is a 400 with `{"error": ...}`."""
    route = (request.method, request.path.rstrip("/"))
    try:
        if route == ("GET", "/_testbed/state"):
            return _json(200, state(testbed))
        if route == ("GET", "/_testbed/truth"):
            raw = request.query.get("night", str(testbed.night))
            if not raw.isdigit():
                raise InputError("night must be a whole number")
            night = int(raw)
            if night > testbed.timeline.last:
                raise InputError(f"night must be from 0 to {testbed.timeline.last}")
            if night not in testbed.truth_json:
                testbed.truth_json[night] = json.dumps(
                    truth(testbed.timeline, night), ensure_ascii=False).encode("utf-8")
            return Response(200, testbed.truth_json[night], [("Cache-Control", "no-store")],
                            "application/json; charset=UTF-8")
        if route == ("GET", "/_testbed/log"):
            return _json(200, list(testbed.log))
        if route == ("POST", "/_testbed/night"):
            body = _body(request)
            if not isinstance(body, dict) or not ({"night"} == set(body) or {"advance"} == set(
                    body)):
                raise InputError('send {"night": K} or {"advance": n}')
            if "advance" in body:
                if isinstance(body["advance"], bool) or not isinstance(body["advance"], int):
                    raise InputError("advance must be a whole number")
                testbed.set_night(testbed.night + body["advance"])
            else:
                testbed.set_night(body["night"])
            return _json(200, state(testbed))
        if route == ("POST", "/_testbed/faults"):
            body = _body(request)
            if not isinstance(body, list):
                raise InputError("send a JSON list of fault specs ([] clears them)")
            testbed.faults.replace([parse_spec(item) for item in body])
            return _json(200, state(testbed))
        if route == ("POST", "/_testbed/churn"):
            return _json(200, _churn(testbed, parse_request(_body(request))))
    except InputError as exc:
        return _json(400, {"error": str(exc)})
    return _json(404, {"error": f"no control endpoint {request.method} {request.path}"})


def _churn(testbed: Testbed, request: Any) -> dict[str, Any]:
    """Edit a fraction of the current night's live editions; the truth cache is dropped."""
    records = churn(testbed.timeline, testbed.night, request)
    testbed.truth_json.clear()
    return {"night": testbed.night, "fraction": request.fraction, "seed": request.seed,
            "edited": len(records), "editions": records}


def _body(request: Request) -> Any:
    try:
        return json.loads(request.body or b"null")
    except ValueError as exc:
        raise InputError(f"the body is not JSON: {exc}") from exc
