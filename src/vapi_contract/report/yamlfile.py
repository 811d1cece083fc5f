"""Reading the reviewed YAML files (accepted findings, approved changes): every problem is one line, exit 2.

PyYAML turns `2027-02-30` into a ValueError (not a YAMLError) while building the date, and a folder, a binary or
a huge file into OSError/UnicodeDecodeError/MemoryError; here each becomes the caller's one-line error instead.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from vapi_contract.errors import UsageError

MAX_BYTES = 5 * 1024 * 1024  # hand-reviewed files: a few KB; anything bigger is not one of them


def read_text(path: Path, what: str, error: type[UsageError] = UsageError) -> str:
    """The file's text, or `error("<what> <path>: ...")`; FileNotFoundError is left to the caller."""
    if path.is_dir():
        raise error(f"{what} {path}: is a folder, not a file")
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise error(f"{what} {path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise error(f"{what} {path}: larger than {MAX_BYTES // (1024 * 1024)} MB; not a reviewed file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{what} {path}: not UTF-8 text (byte {exc.start})") from None


@functools.lru_cache(maxsize=1)
def _loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        """SafeLoader whose impossible dates are YAML errors with a line number."""

    def timestamp(loader: Any, node: Any) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a real date ({exc})", node.start_mark) from None

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return Loader


def load_yaml(text: str, where: str, error: type[UsageError] = UsageError) -> Any:
    """Parse TEXT (YAML or JSON); any problem is `error("<where>: not valid YAML at line N: ...")`."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise error(f"{where}: not valid YAML{at}: {problem}") from None
    except RecursionError:
        raise error(f"{where}: nested too deeply to be a reviewed file") from None
    except (ValueError, TypeError, OverflowError) as exc:  # a constructor PyYAML does not wrap
        raise error(f"{where}: not valid YAML: {exc}") from None
