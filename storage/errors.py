"""Errors raised by the storage layer and shared by every edge (CLI, API, DAG)."""


class InputError(Exception):
    """Bad input from a person: a variable, a file, an argument.

    The command line prints it as one line and exits with status 2; nothing is written.
    """


class ConfigError(InputError):
    """A configuration value (an environment variable or setting) is wrong."""
