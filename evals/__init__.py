"""Eval sets, the runner, metrics, reports and benchmarks (`python -m evals`)."""
