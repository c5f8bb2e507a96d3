"""Contributor tools behind `python -m labhelpers ...`: notebook pairs, the notebook API page,
the test runner. Learners never need these."""

__all__: list[str] = []
