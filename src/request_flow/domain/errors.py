"""The two ways an act can fail, matching the exit statuses of docs/contract.md."""


class Refused(Exception):
    """Well-formed, but a statutory rule or the case's state does not allow it (exit 1)."""


class BadInput(ValueError):
    """Malformed input: an unknown code, an impossible date, a value of the wrong type (exit 2)."""
