"""`serve`: the analysts' web pages and JSON API (uvicorn, read-only).

`web` is imported when the command runs: `web` builds on `pipeline`, not the other way.
"""

from __future__ import annotations

import argparse
import importlib

import uvicorn


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="serve the history pages and JSON API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    create_app = importlib.import_module("web.app").create_app
    uvicorn.run(create_app(), host=args.host, port=args.port)
    return 0
