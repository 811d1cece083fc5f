"""URLs as they may be shown or kept, and where the API key may go.

`redact_url` is the one place that decides what of a URL is a secret: the userinfo (`user:secret@`) and query
parameters whose name says they carry one (api_key, token, signature, ...). Everything that prints, stores or
passes on a spec URL (store index, run.json, summaries, alerts) uses it. The URL as given is used only for the
request itself.

`key_allowed` decides whether `VAPI_API_KEY` may be sent to a URL: only to the configured spec host, the
configured target (VAPI_BASE_URL, or one a caller names) and the origins listed in VAPI_API_KEY_HOSTS.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

MASK = "***"
# A query parameter named like this carries a credential, judged on the name lower-cased without `-`/`_`: an exact
# name, or a credential suffix. Not a substring: `sessionId`, `keyword`, `authorId` are evidence, not secrets.
SECRET_NAMES = frozenset({"auth", "authorization", "sig", "key", "apikey", "jwt", "bearer", "cookie", "session",
                          "pass"})
SECRET_SUFFIXES = ("key", "token", "secret", "password", "passwd", "pwd", "signature", "credential", "credentials")


def is_secret_param(name: str) -> bool:
    normal = re.sub(r"[-_.\s]", "", name.lower())
    return normal in SECRET_NAMES or normal.endswith(SECRET_SUFFIXES)
_URL_IN_TEXT = re.compile(r"\bhttps?://[^\s\"'<>`]+", re.IGNORECASE)
KEY_HOSTS_ENV = "VAPI_API_KEY_HOSTS"


def redact_url(url: str) -> str:
    """URL with credentials masked: `http://u:p@h/x?api_key=k&v=1` -> `http://***@h/x?api_key=***&v=1`.

    Text that is not an http(s) URL is returned unchanged; a URL that cannot be parsed is reduced to its
    scheme and `***`, since what it holds is unknown."""
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return url
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(is_secret_param(name) for name, _ in pairs):
                query = urlencode([(n, MASK if is_secret_param(n) else v) for n, v in pairs],
                                  quote_via=quote, safe="*")
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return f"{url.split(':', 1)[0]}://{MASK}"


def redact_text(text: str) -> str:
    """Every http(s) URL inside free text (an error message, a log line) passed through `redact_url`."""
    if not isinstance(text, str) or "://" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


def has_credentials(url: str) -> bool:
    return redact_url(url) != url


# -- where the key may go ---------------------------------------------------------------------------------
def origin(url_or_host: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL; a bare `host` or `host:port` means https."""
    text = url_or_host.strip()
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    return scheme, parts.hostname.lower().rstrip("."), port or (443 if scheme == "https" else 80)


def key_origins(extra: Iterable[str] = ()) -> set[tuple[str, str, int]]:
    """Origins the key may be sent to: the spec URL's, the target's, callers' targets, VAPI_API_KEY_HOSTS."""
    from .. import config

    candidates = [config.spec_url(), config.base_url(), *extra]
    for entry in (h for h in re.split(r"[,\s]+", os.environ.get(KEY_HOSTS_ENV, "")) if h):
        if origin(entry) is None or "*" in entry:  # no wildcards: each origin that gets the key is named
            from .limits import SpecConfigError

            raise SpecConfigError(f"{KEY_HOSTS_ENV} entry {entry[:80]!r} is not a host, host:port or http(s) origin")
        candidates.append(entry)
    found = set()
    for candidate in candidates:
        if candidate and candidate.strip().lower() not in ("off", "none", "twin"):
            parsed = origin(candidate)
            if parsed is not None:
                found.add(parsed)
    return found


def key_allowed(url: str, extra: Iterable[str] = ()) -> bool:
    """May VAPI_API_KEY be sent to URL? Scheme, host and port must match an allowed origin exactly, so an
    https host never gets the key over plain http, and a look-alike host never gets it at all."""
    target = origin(url)
    return target is not None and target in key_origins(extra)
