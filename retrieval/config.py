"""The fusion weights and abstention thresholds, read from `calibration.toml` (one place)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Fusion:
    dense_weight: float
    answer_passage_factor: float
    coverage_weight: float
    code_match_bonus: float
    code_mismatch_penalty: float
    modality_conflict_penalty: float


@dataclass(frozen=True)
class Decision:
    min_score: float
    close_margin: float
    high_confidence: float


@dataclass(frozen=True)
class Calibration:
    fusion: Fusion
    decision: Decision


def calibration_path() -> Path:
    return Path(__file__).with_name("calibration.toml")


def load_calibration(path: Path | None = None) -> Calibration:
    raw = tomllib.loads((path or calibration_path()).read_text(encoding="utf-8"))
    return Calibration(Fusion(**raw["fusion"]), Decision(**raw["decision"]))


@lru_cache(maxsize=1)
def default_calibration() -> Calibration:
    return load_calibration()
