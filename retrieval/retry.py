"""Which failures of a server are worth retrying, and how much: one policy for every store."""

from __future__ import annotations

RETRIES = 3  # attempts in all
RETRY_BUDGET_S = 4.0  # never spend longer than this retrying one call

_TRANSIENT_WORDS = ("could not connect", "connection", "timed out", "timeout", "temporarily",
                    "503", "502", "504", "server closed", "reset by peer", "broken pipe")


def transient(e: BaseException) -> bool:
    """A failure that may pass on its own (network, a restarting server), not a wrong request."""
    import httpx

    if isinstance(e, httpx.TransportError | ConnectionError | TimeoutError):
        return True
    name = type(e).__name__
    if name in ("OperationalError", "InterfaceError"):  # SQLAlchemy/DB-API: a dropped server
        return True
    if name in ("NotFoundError", "UniqueConstraintError", "InvalidArgumentError",
                "InvalidDimensionException", "DuplicateIDError"):
        return False
    text = str(e).lower()
    return any(w in text for w in _TRANSIENT_WORDS)
