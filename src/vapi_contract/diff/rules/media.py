"""Media type keys: `application/json; charset=utf-8` and `Application/JSON` name the same type."""

from __future__ import annotations


def base(media: str) -> str:
    return media.split(";", 1)[0].strip().lower()


def by_base(content) -> dict[str, tuple[str, dict]]:
    """{base type: (key as written, media type object)}; the first spelling wins."""
    found: dict[str, tuple[str, dict]] = {}
    if isinstance(content, dict):
        for key, value in content.items():
            if isinstance(key, str):
                found.setdefault(base(key), (key, value if isinstance(value, dict) else {}))
    return found


def covers(wide: str, narrow: str) -> bool:
    """`*/*` covers everything, `application/*` covers `application/json`, and `application/json` covers
    `application/problem+json` (a structured syntax suffix names the more general type)."""
    if wide == narrow:
        return False
    major, _, minor = wide.partition("/")
    narrow_major, _, narrow_minor = narrow.partition("/")
    return (wide == "*/*" or (minor == "*" and narrow_major == major)
            or (narrow_major == major and "+" in narrow_minor and narrow_minor.rsplit("+", 1)[1] == minor))


def strongly_typed(media: str) -> bool:
    """JSON tells 1 from "1"; text, XML and forms do not (oasdiff's reading). Parameters and headers ("") count
    as strongly typed."""
    media = base(media)
    return not media or media == "application/json" or media.endswith("+json")
