"""The layers of docs/architecture.md, enforced: a module imports only packages of a lower layer (lazy imports
inside functions count too). A new top-level package or module must be given its layer here."""

from __future__ import annotations

import ast
from pathlib import Path

import vapi_contract

ROOT = Path(vapi_contract.__file__).parent
LAYER = {
    "__init__": 0, "__version__": 0, "errors": 0, "fsutil": 0, "config": 0, "retry": 0, "render": 0,
    "acceptlist": 1,
    "spec": 2,
    "evidence": 3, "twin": 3, "diff": 3,
    "report": 4,
    "contract": 5,
    "pipelines": 6,
    "cli": 7,
}


def imported_packages(path: Path, root: Path = ROOT) -> set[str]:
    """Top-level vapi_contract packages a module imports, absolute or relative."""
    rel = path.relative_to(root).with_suffix("")
    here = ["vapi_contract", *rel.parts]
    base = here[:-1]  # the package a relative import starts from, for a module and an __init__ alike
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            target = base[: len(base) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            found |= {(target + [alias.name])[1] for alias in node.names} if len(target) == 1 else {target[1]}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("vapi_contract."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("vapi_contract.")}
    return found


def package_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def test_every_package_has_a_layer():
    unknown = {package_of(p) for p in ROOT.rglob("*.py")} - set(LAYER)
    assert not unknown, f"give these a layer in tests/unit/test_layers.py and docs/architecture.md: {unknown}"


def test_no_import_points_up_or_sideways():
    wrong = []
    for path in sorted(ROOT.rglob("*.py")):
        own = package_of(path)
        for target in imported_packages(path) - {own}:
            if LAYER.get(target, 99) >= LAYER[own]:
                wrong.append(f"{path.relative_to(ROOT)} imports {target} (layer {LAYER.get(target)} >= {LAYER[own]})")
    assert not wrong, "\n".join(wrong)


def test_the_check_itself_sees_an_upward_import(tmp_path):
    """A relative import from spec up into pipelines, inside a function, is found; so is an absolute one."""
    fake = tmp_path / "vapi_contract"
    (fake / "spec").mkdir(parents=True)
    (fake / "spec" / "x.py").write_text("def f():\n    from ..pipelines.text import plural\n"
                                       "import vapi_contract.report.summary\nfrom . import store\n")
    assert imported_packages(fake / "spec" / "x.py", fake) == {"pipelines", "report", "spec"}
