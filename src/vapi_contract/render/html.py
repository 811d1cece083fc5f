"""HTML helpers shared by the self-contained pages (run dashboard, nightly page, changelog).

- `esc(value)`: text and attribute escaping (None is empty); everything from a spec or a server goes through it.
"""

from __future__ import annotations

from html import escape
from typing import Any


def esc(value: Any) -> str:
    """`value` as HTML text or a quoted attribute value: `& < > " '` escaped, None as the empty string."""
    return escape("" if value is None else str(value), quote=True)
