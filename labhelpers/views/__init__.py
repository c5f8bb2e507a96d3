"""Views: tables and plots made from results. They never reach the Engine (a test enforces it)."""

from .table import Table, TableShown, pre, short_name, yes_no

__all__ = ["Table", "TableShown", "pre", "short_name", "yes_no"]
