"""`ministry-watch testbed`: serve the local mid.ru replica in the foreground."""

from __future__ import annotations

import argparse
import sys

from storage.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "testbed",
        help="serve the local replica of mid.ru (timeline of edits, switchable faults)",
        description="Serve the testbed in the foreground; prints its base URL, then serves "
                    "until interrupted. Control it over HTTP under /_testbed/ (docs/testbed.md).",
    )
    parser.add_argument("--port", type=int, required=True, help="TCP port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--statements", type=int, default=60,
                        help="generated statements besides the seed one (default 60)")
    parser.add_argument("--night", type=int, default=0, help="night to start on (default 0)")
    parser.add_argument("--faults", default="",
                        help="comma-separated fault names, e.g. reset,ua403")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated content")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from testbed.faults import parse_names
    from testbed.server import serve_forever
    from testbed.site import Testbed

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port must be from 0 to 65535, not {args.port}")
    testbed = Testbed(args.statements, args.night, args.seed, parse_names(args.faults))

    def ready(base_url: str) -> None:
        print(base_url, flush=True)

    try:
        serve_forever(testbed, args.host, args.port, ready)
    except OSError as exc:
        raise InputError(f"cannot serve on {args.host}:{args.port}: {exc.strerror}") from exc
    print("testbed stopped", file=sys.stderr)
    return 0
