"""The installation's working corpus: `DATA/corpus/`, seeded once from the shipped `corpus/`.

Nothing the app writes goes under the installed code, so uploads, removals and rollbacks change
the corpus under the data dir, never the `corpus/` folder shipped with the code. That folder is
only the seed: the first time the default corpus is needed and `DATA/corpus/` does not exist, its
files (documents and their sidecars) are copied into a hidden sibling folder that is renamed into
place once complete, so a crash halfway leaves no `DATA/corpus/` and the next start seeds again.
A corpus named by RADONC_QA_CORPUS / `--corpus` is used as given and never seeded.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import time
from pathlib import Path

import retrieval
from ingest.sources import corpus_files
from retrieval.errors import StoreUnavailable
from retrieval.settings import Settings

log = logging.getLogger(__name__)

SEEDING_SUFFIX = ".seeding-"  # `.corpus.seeding-<token>`: a copy in progress (or crashed)
STALE_S = 3600  # a seeding copy this old belongs to a process that died: it is removed


def shipped_corpus(cwd: Path | None = None) -> Path | None:
    """The corpus shipped with the code: `./corpus` if there is one (where it was always read
    from), else the `corpus/` beside the packages; None if neither exists."""
    for candidate in ((cwd or Path.cwd()) / "corpus",
                      Path(retrieval.__file__).resolve().parents[1] / "corpus"):
        if candidate.is_dir():
            return candidate
    return None


def _clean_crashed(target: Path) -> None:
    """Remove seeding copies that a process which died left beside `target`."""
    now = time.time()
    for p in target.parent.glob(f".{target.name}{SEEDING_SUFFIX}*"):
        try:
            if now - p.stat().st_mtime >= STALE_S:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:  # gone meanwhile
            pass


def seed_corpus(target: Path, shipped: Path | None) -> bool:
    """Create `target` as a copy of the files of `shipped` unless it exists; True if it did.

    The copy is made in a hidden sibling and renamed into place, so `target` either does not
    exist or holds every file. Staging folders and other hidden entries are never copied.
    StoreUnavailable (naming the folder and the OS's reason) if it cannot be written.
    """
    if target.exists() or shipped is None or not shipped.is_dir():
        return False
    work = target.parent / f".{target.name}{SEEDING_SUFFIX}{secrets.token_hex(4)}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _clean_crashed(target)
        work.mkdir()
        for name, path in corpus_files(shipped).items():
            shutil.copy2(path, work / name)
        os.rename(work, target)  # refuses to replace a folder another process seeded first
    except OSError as e:
        shutil.rmtree(work, ignore_errors=True)
        if target.is_dir() and any(target.iterdir()):  # seeded meanwhile by another process
            return False
        raise StoreUnavailable(
            f"Cannot create the corpus folder {target} as a copy of the shipped corpus "
            f"{shipped} ({e.strerror or e}): uploads and ingests use that copy, never the "
            "shipped folder. Fix the data folder's permissions or free space, or set "
            "RADONC_QA_CORPUS (--corpus) to a corpus folder of your own") from e
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info("seeded the corpus %s from %s", target, shipped)
    return True


def ensure_corpus(settings: Settings, shipped: Path | None = None) -> Path | None:
    """Make sure the default corpus (`DATA/corpus/`) exists, seeding it from `shipped` (default:
    `shipped_corpus()`) on first use; the folder seeded from, or None if nothing was copied."""
    if settings.corpus_given:
        return None
    source = shipped if shipped is not None else shipped_corpus()
    return source if seed_corpus(settings.corpus_dir, source) else None
