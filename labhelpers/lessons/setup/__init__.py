"""(being ported: see legacy.py)"""

__all__: list[str] = []
