"""One module per group of `ministry-watch` subcommands; each exposes `register(subparsers)`."""
