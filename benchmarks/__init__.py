"""Benchmarks: ``python -m benchmarks`` runs them all and prints ratios measured side by side."""
