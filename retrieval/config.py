"""The fusion weights and abstention thresholds, read from `calibration.toml` (one place)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Fusion:
    dense_weight: float
    answer_passage_factor: float
    coverage_weight: float
    code_match_bonus: float
    code_mismatch_penalty: float
    modality_conflict_penalty: float
    role_conflict_penalty: float = 0.0
    aspect_missing_penalty: float = 0.0
    unknown_term_weight: float = 1.0


@dataclass(frozen=True)
class Decision:
    min_score: float
    close_margin: float
    high_confidence: float


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


def calibration_path() -> Path:
    return Path(__file__).with_name("calibration.toml")


def _read(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def load_calibration(path: Path | None = None) -> Calibration:
    raw = _read(path or calibration_path())
    conv = raw.get("conversation")
    return Calibration(Fusion(**raw["fusion"]), Decision(**raw["decision"]),
                       *([Conversation(**conv)] if conv else []))


@lru_cache(maxsize=1)
def default_calibration() -> Calibration:
    return load_calibration()
