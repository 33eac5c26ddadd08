"""The fusion weights and abstention thresholds, read from `calibration.toml` (one place).

The shipped `retrieval/calibration.toml` holds every value. An installation's own calibration
(`data/calibration.toml`, written by `python -m evals calibrate`) overrides single keys of it, so a
later release's new or re-tuned values still arrive where the installation changed nothing; its
`[abstention]` model, when it has one, replaces the shipped model whole.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from retrieval.errors import SettingsError


@dataclass(frozen=True)
class Fusion:
    dense_weight: float
    answer_passage_factor: float
    coverage_weight: float
    code_match_bonus: float
    code_mismatch_penalty: float
    modality_conflict_penalty: float
    role_conflict_penalty: float = 0.0
    code_missing_penalty: float = 0.0  # retrieval/rank.py code_agreement: 0 turns it off
    aspect_missing_penalty: float = 0.0
    unknown_term_weight: float = 1.0
    sibling_weight: float = 0.0   # retrieval/siblings.py: 0 turns the contrast off
    sibling_window: float = 0.0


@dataclass(frozen=True)
class Decision:
    min_score: float
    close_margin: float
    high_confidence: float


@dataclass(frozen=True)
class Abstention:
    """A logistic model of "the top entry answers the question" over `retrieval.evidence` features.

    Fitted by `python -m evals calibrate` on dev sets of several corpora; features are centred and
    scaled with the fit's own statistics, so the coefficients compare with one another.
    """

    features: tuple[str, ...]
    center: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    min_probability: float  # answer at or above this; abstain below
    strong_probability: float = 0.9  # at or above: "Strong match"

    def __post_init__(self) -> None:
        n = len(self.features)
        if not (len(self.center) == len(self.scale) == len(self.coef) == n):
            raise ValueError("[abstention]: features, center, scale and coef differ in length")

    def probability(self, x: Mapping[str, float]) -> float:
        """P(the top entry is a right answer) for one question's evidence."""
        z = self.intercept + sum(
            w * (x.get(f, 0.0) - c) / (s or 1.0)
            for f, c, s, w in zip(self.features, self.center, self.scale, self.coef, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


@dataclass(frozen=True)
class Conversation:
    """How a follow-up is read with the conversation's earlier turns (retrieval/conversation.py)."""

    max_turns: int


def _shipped_conversation() -> Conversation:
    return Conversation(**_read(calibration_path())["conversation"])


@dataclass(frozen=True)
class Calibration:
    fusion: Fusion
    decision: Decision
    conversation: Conversation = field(default_factory=_shipped_conversation)
    abstention: Abstention | None = None  # None: the fused-score threshold alone decides


def calibration_path() -> Path:
    return Path(__file__).with_name("calibration.toml")


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise SettingsError(f"{path} is not valid TOML ({e}); fix it") from None


TABLES = ("fusion", "decision", "conversation")
WHOLE = "abstention"  # a fitted model: its lists go together, so the overlay's replaces it whole


def _overlaid(raw: dict[str, Any], overlay: Path) -> dict[str, Any]:
    """`raw` with the keys of the overlay's tables replaced and its [abstention] model instead
    of the shipped one (other tables, e.g. [previous], are the overlay's own notes)."""
    own = _read(overlay)
    merged = dict(raw)
    if WHOLE in own:
        if not isinstance(own[WHOLE], dict):
            raise SettingsError(f"{overlay}: [{WHOLE}] must be a table; refit it with "
                                "`python -m evals calibrate`")
        merged[WHOLE] = own[WHOLE]
    for table in TABLES:
        given = own.get(table)
        if given is None:
            continue
        if not isinstance(given, dict) or not set(given) <= set(raw.get(table, {})):
            raise SettingsError(f"{overlay}: [{table}] may only change keys the shipped "
                                f"{calibration_path().name} has ({', '.join(raw.get(table, {}))})")
        merged[table] = {**raw.get(table, {}), **given}
    return merged


def load_calibration(path: Path | None = None, overlay: Path | None = None) -> Calibration:
    """The calibration in `path` (the shipped file), with `overlay`'s keys over it if it exists."""
    raw = _read(path or calibration_path())
    if overlay is not None and overlay.is_file():
        raw = _overlaid(raw, overlay)
    conv = raw.get("conversation")
    ab = raw.get("abstention")
    model = None
    if ab:
        try:
            model = Abstention(
                tuple(ab["features"]), tuple(map(float, ab["center"])),
                tuple(map(float, ab["scale"])), tuple(map(float, ab["coef"])),
                float(ab["intercept"]), float(ab["min_probability"]),
                float(ab.get("strong_probability", 0.9)))
        except (KeyError, TypeError, ValueError) as e:
            where = overlay if overlay is not None and overlay.is_file() else path
            raise SettingsError(f"{where or calibration_path()}: [abstention] is not a usable "
                                f"model ({type(e).__name__}: {e}); refit it with "
                                "`python -m evals calibrate`") from None
    return Calibration(Fusion(**raw["fusion"]), Decision(**raw["decision"]),
                       Conversation(**conv) if conv else _shipped_conversation(), model)


@lru_cache(maxsize=1)
def default_calibration() -> Calibration:
    return load_calibration()
