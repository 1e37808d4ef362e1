"""The static view of the public API (``__init__.pyi`` and ``py.typed``) matches the lazy one.

``ambassadors/__init__.py`` imports its names on first use (PEP 562), which editors and type
checkers cannot follow; ``__init__.pyi`` spells the same names out. These tests keep the two in
step and check, on the *installed* package (a wheel in CI), that both files ship.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import ambassadors

PACKAGE = Path(ambassadors.__file__).parent
ROOT = Path(__file__).resolve().parents[1]


def stub_imports() -> dict[str, str]:
    """Name -> module of every ``from module import name`` in the installed ``__init__.pyi``."""
    tree = ast.parse((PACKAGE / "__init__.pyi").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                assert alias.asname in (None, alias.name), f"{alias.name} renamed in the stub"
                assert alias.name not in found, f"{alias.name} imported twice in the stub"
                found[alias.name] = node.module or ""
    return found


def stub_all() -> list[str]:
    tree = ast.parse((PACKAGE / "__init__.pyi").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("__init__.pyi has no __all__")


def test_the_installed_package_ships_the_stub_and_py_typed():
    assert (PACKAGE / "py.typed").is_file()
    assert (PACKAGE / "__init__.pyi").is_file()


def test_the_installed_package_is_the_source_tree():
    # The doctests are collected from src/ but run in the installed modules (see conftest.py).
    source = ROOT / "src" / "ambassadors"
    files = [p.relative_to(source) for p in sorted(source.rglob("*.py*")) if p.suffix in (".py", ".pyi")]
    stale = [f.as_posix() for f in files
             if not (PACKAGE / f).is_file() or (PACKAGE / f).read_bytes() != (source / f).read_bytes()]
    assert not stale, f"the installed ambassadors ({PACKAGE}) differs from src/ (reinstall it): {stale}"


def test_stub_names_equal_the_runtime_all():
    runtime = set(ambassadors.__all__) - {"__version__"}
    imported = set(stub_imports())
    assert imported == runtime, (f"missing from __init__.pyi: {sorted(runtime - imported)}; "
                                 f"not public: {sorted(imported - runtime)}")
    assert stub_all() == list(ambassadors.__all__)


def test_each_stub_name_comes_from_its_module_and_resolves():
    for name, module in stub_imports().items():
        assert ambassadors._EXPORTS[name] == module, f"{name}: stub says {module}"
        assert getattr(ambassadors, name) is getattr(importlib.import_module(module), name), name


def test_mypy_sees_the_lazily_exported_api(tmp_path):
    # Without the stub, ``__getattr__`` makes every attribute Any and mypy reports nothing here.
    (tmp_path / "user_code.py").write_text(
        "import ambassadors\n\n"
        "graph: int = ambassadors.build_graph\n"
        "ambassadors.no_such_function()\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--python-executable", sys.executable, "--no-error-summary",
         "--cache-dir", str(ROOT / ".mypy_cache"), "user_code.py"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    out = done.stdout + done.stderr
    assert 'user_code.py:3: error: Incompatible types in assignment (expression has type "def build_graph(' \
        in out, out
    assert 'user_code.py:4: error: Module has no attribute "no_such_function"' in out, out
