"""Versioned knowledge-base storage: complete versions side by side, one of them active.

`open_store(settings)` picks the embedded store under the data dir, or a Chroma server when
`RADONC_QA_CHROMA_URL` is set.
"""

from __future__ import annotations

from retrieval.settings import Settings
from retrieval.store.base import KBStore, Manifest, VersionInfo
from retrieval.store.local import LocalStore

__all__ = ["KBStore", "LocalStore", "Manifest", "VersionInfo", "open_store"]


def open_store(settings: Settings) -> KBStore:
    """The store the settings name: a Chroma server by URL, else the embedded one."""
    if settings.chroma_url:
        from retrieval.store.server import ServerStore

        return ServerStore(settings.chroma_url, settings.kb_dir,
                           database_url=settings.database_url)
    return LocalStore(settings.kb_dir)
