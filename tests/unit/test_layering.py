"""The package layering of docs/design: each layer imports only the layers below it.

Every ``import`` statement of ``src/octavo`` is read (including those inside
functions and ``TYPE_CHECKING`` blocks, which are dependencies all the same), so
a sibling import such as markup → images fails here, naming the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "octavo"

#: Bottom to top; packages in one layer are siblings and must not import each other.
LAYERS: list[set[str]] = [
    {"common"},
    {"content"},
    {"index"},
    {"markup", "images"},
    {"auth"},
    {"sync"},
    {"config"},
    {"web"},
    {"cli"},
    {"__init__"},
]
RANK = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}


def _package_of(module: str) -> str:
    """``octavo.markup.render`` → ``markup``; ``octavo`` itself → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    relative = path.relative_to(SOURCE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _from_root(name: str) -> str:
    """``from octavo import name``: a module of the package, or a name its ``__init__`` defines."""
    is_module = (SOURCE / name).is_dir() or (SOURCE / f"{name}.py").exists()
    return f"octavo.{name}" if is_module else "octavo"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import of an ``octavo`` module in `path`."""
    module = _module_name(path)
    is_package = path.name == "__init__.py"
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "octavo":
                found.extend((node.lineno, _from_root(alias.name)) for alias in node.names)
            else:
                found.append((node.lineno, target))
    return [(line, name) for line, name in found if name.split(".")[0] == "octavo"]


def _violations() -> list[str]:
    problems = []
    for path in sorted(SOURCE.rglob("*.py")):
        own = _package_of(_module_name(path)) if path.parent != SOURCE else path.stem
        for line, target in _imports(path):
            other = _package_of(target)
            if other == own or other not in RANK:
                continue
            if RANK[other] >= RANK[own]:
                relation = "its sibling" if RANK[other] == RANK[own] else "the higher layer"
                problems.append(
                    f"{path.relative_to(SOURCE.parent)}:{line}: {own} imports "
                    f"{relation} {other} ({target})"
                )
    return problems


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in SOURCE.iterdir() if (p / "__init__.py").exists()}
    packages |= {p.stem for p in SOURCE.glob("*.py")}
    assert packages - RANK.keys() == set()


def test_layers_import_only_downward() -> None:
    assert _violations() == []


@pytest.mark.parametrize(
    ("importer", "source", "expected"),
    [
        ("markup/x.py", "from octavo.images.objects import LocalImage\n", "sibling images"),
        ("images/x.py", "import octavo.markup.render\n", "sibling markup"),
        ("images/x.py", "def f():\n    from ..markup import render\n", "sibling markup"),
        ("index/x.py", "from octavo.web import app\n", "higher layer web"),
        ("content/x.py", "from octavo import Octavo\n", "higher layer __init__"),
    ],
)
def test_checker_catches(
    importer: str, source: str, expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The checker itself: a planted bad import is reported (and a good one is not)."""
    root = tmp_path / "octavo"
    for package in ("markup", "images", "index", "content", "web"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / importer).write_text(source)
    (root / "content" / "ok.py").write_text("from octavo.common import tags\n")
    monkeypatch.setattr(f"{__name__}.SOURCE", root)
    problems = _violations()
    assert len(problems) == 1
    assert expected in problems[0] and importer in problems[0]
