"""`evals calibrate` writes the installation's calibration with a TOML library, never in code."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

from evals.calibrate import current_min_score, write_min_score
from retrieval.config import load_calibration

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_first_calibration_creates_the_data_file_over_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "data" / "calibration.toml"
    shipped = load_calibration()
    assert current_min_score(path) is None
    write_min_score(path, 0.61234, previous=shipped.decision.min_score, tuning_sets=["t.jsonl"],
                    target=0.02, now=NOW)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["decision"] == {"min_score": 0.612}
    assert data["previous"]["min_score"] == round(shipped.decision.min_score, 3)
    assert data["previous"]["tuning_sets"] == ["t.jsonl"]
    assert data["previous"]["replaced_at"] == "2026-12-01T00:00:00+00:00"
    served = load_calibration(overlay=path)
    assert served.decision.min_score == 0.612 and served.fusion == shipped.fusion


def test_rewriting_keeps_comments_and_replaces_the_previous_table(tmp_path: Path) -> None:
    path = tmp_path / "calibration.toml"
    path.write_text("# reviewed by the coding lead\n[decision]\nmin_score = 0.5  # tuned on t\n",
                    encoding="utf-8")
    write_min_score(path, 0.55, previous=0.5, tuning_sets=["a"], target=0.02, now=NOW)
    write_min_score(path, 0.6, previous=0.55, tuning_sets=["b"], target=0.03, now=NOW)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# reviewed by the coding lead\n") and "# tuned on t" in text
    data = tomllib.loads(text)
    assert data["decision"]["min_score"] == 0.6
    assert data["previous"]["min_score"] == 0.55 and data["previous"]["tuning_sets"] == ["b"]
    assert text.count("[previous]") == 1
