"""Widgets shared by the lessons. Widgets call lesson helpers and show what they return; they
never reach the Engine themselves (a test enforces it)."""

from .actions import run_quietly, safe
from .chart import Chart
from .panel import hbox, vbox
from .progress import Progress
from .quiz import quiz

__all__ = ["Chart", "Progress", "hbox", "quiz", "run_quietly", "safe", "vbox"]
