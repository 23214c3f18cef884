"""The architecture's rules, checked on the source (docs/architecture.md lists them).

Every module under src/planctl is parsed with ast; every import counts, including
those inside functions and under TYPE_CHECKING. The checks are plain functions of a
source folder, so the last tests can show on a small made-up package that each one
catches what it is meant to.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "planctl"

# Lowest first: a module may import only from its own layer or a lower one.
LAYERS = ("core", "format", "store", "history", "render", "loading", "commands", "cli")
# The package root: planctl/__init__.py (the version) and __main__.py (python -m planctl).
ROOT_MODULES = (PACKAGE, f"{PACKAGE}.__main__")
ROOT_IMPORTERS = (f"{PACKAGE}.cli", f"{PACKAGE}.__main__")
GIT_RUNNER = f"{PACKAGE}.store.gitstore.runner"
# The one other module that starts processes: copies of planctl itself (fork), reading plan
# files on the other cores; it runs no program and hands nothing to a shell.
WORKERS = f"{PACKAGE}.store.workers"
MAX_LINES = 700

# What starts a process: the modules, and the calls on os that do it.
PROCESS_MODULES = {"subprocess", "pty", "asyncio.subprocess", "multiprocessing",
                   "concurrent.futures.process"}
PROCESS_CALLS = {"system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp",
                 "execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe",
                 "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp",
                 "spawnvpe", "create_subprocess_exec", "create_subprocess_shell"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. planctl.commands.completion
    target: str  # what it imports: a module of the package, or a module outside it
    where: str  # "line 41", or where else the import is made

    def __str__(self) -> str:
        return f"{self.module} ({self.where}) imports {self.target}"


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module
    lines: int


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def parse(src: Path) -> dict[str, Module]:
    """Every module of the package under src, parsed (a syntax error fails here)."""
    modules = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = module_name(path, src)
        modules[name] = Module(name, path, ast.parse(text, filename=str(path)),
                               len(text.splitlines()))
    return modules


def _base(module: Module, level: int) -> str:
    """The package a relative import of this level starts from."""
    parts = module.name.split(".")
    if module.path.name != "__init__.py":
        parts.pop()
    return ".".join(parts[: len(parts) - (level - 1)])


def imports(module: Module, known: dict[str, Module]) -> Iterator[Import]:
    """Every import in the module, at any depth, resolved to a module where it names one."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module.name, alias.name, f"line {node.lineno}")
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, node.level) if node.level else ""
            source = ".".join(p for p in (base, node.module or "") if p)
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                yield Import(module.name, sub if sub in known else source, f"line {node.lineno}")


def all_imports(modules: dict[str, Module]) -> list[Import]:
    return [imp for m in modules.values() for imp in imports(m, modules)]


def layer(name: str) -> str | None:
    """The layer a module of the package belongs to, "root" for the package root."""
    if name in ROOT_MODULES:
        return "root"
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _is_package_module(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def layer_offences(modules: dict[str, Module]) -> list[str]:
    offences = [f"{name} is in no layer: put it under one of {', '.join(LAYERS)}"
                for name in modules if layer(name) is None]
    for imp in all_imports(modules):
        if not _is_package_module(imp.target) or layer(imp.target) is None:
            continue
        source, target = layer(imp.module), layer(imp.target)
        if target == "root":
            if imp.target == PACKAGE and imp.module in ROOT_IMPORTERS:
                continue
            offences.append(f"{imp}: only {' and '.join(ROOT_IMPORTERS)} may import the "
                            "package root")
        elif source in LAYERS and LAYERS.index(target) > LAYERS.index(source):
            allowed = ", ".join(LAYERS[: LAYERS.index(source) + 1])
            offences.append(f"{imp}: {source} is below {target}; {source} may import only "
                            f"{allowed}")
    return offences


def import_circles(modules: dict[str, Module], extra: Sequence[Import] = ()) -> list[list[str]]:
    """Each set of modules that import each other (strongly connected), by Tarjan."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for imp in [*all_imports(modules), *extra]:
        if imp.target in graph:
            graph[imp.module].add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(node: str) -> None:  # depth is bounded by the number of modules (~100)
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1 or node in graph[node]:
                circles.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return circles


def circle_offences(modules: dict[str, Module], extra: Sequence[Import] = ()) -> list[str]:
    edges = [*all_imports(modules), *extra]
    out = []
    for group in import_circles(modules, extra):
        members = set(group)
        links = [str(imp) for imp in edges if imp.module in members and imp.target in members]
        out.append(f"import circle among {', '.join(group)}: " + "; ".join(links))
    return out


def _top(target: str) -> str:
    return target.split(".")[0]


def yaml_offences(modules: dict[str, Module]) -> list[str]:
    return [f"{imp}: only {PACKAGE}.format knows YAML" for imp in all_imports(modules)
            if _top(imp.target) == "yaml" and layer(imp.module) != "format"]


def process_offences(modules: dict[str, Module]) -> list[str]:
    out = []
    for name, module in modules.items():
        if name in (GIT_RUNNER, WORKERS):
            continue
        for imp in imports(module, modules):
            if imp.target in PROCESS_MODULES or _top(imp.target) in PROCESS_MODULES:
                out.append(f"{imp}: only {GIT_RUNNER} starts processes (git)")
            elif imp.target == "os" and _names_process_call(module.tree, imp.where):
                out.append(f"{imp} and starts a process with it: only {GIT_RUNNER} may")
        for node in ast.walk(module.tree):
            if (isinstance(node, ast.Attribute) and node.attr in PROCESS_CALLS
                    and isinstance(node.value, ast.Name) and node.value.id in ("os", "asyncio")):
                out.append(f"{name} (line {node.lineno}) calls {node.value.id}.{node.attr}: "
                           f"only {GIT_RUNNER} starts processes (git)")
    return out


def _names_process_call(tree: ast.Module, where: str) -> bool:
    """`from os import system` and the like on this line."""
    return any(isinstance(node, ast.ImportFrom) and f"line {node.lineno}" == where
               and any(a.name in PROCESS_CALLS for a in node.names)
               for node in ast.walk(tree))


def size_offences(modules: dict[str, Module]) -> list[str]:
    return [f"{name} has {m.lines} lines: split it (at most {MAX_LINES}, one idea per module)"
            for name, m in sorted(modules.items()) if m.lines > MAX_LINES]


def command_imports() -> list[Import]:
    """cli.COMMANDS: the imports cli makes by name (importlib), as edges for the circle check."""
    from planctl.cli import COMMANDS

    return [Import(f"{PACKAGE}.cli", f"{PACKAGE}.commands.{target.split(':')[0]}", "cli.COMMANDS")
            for target in COMMANDS.values()]


def judge(offences: list[str]) -> None:
    """Fail with every offence, one a line."""
    if offences:
        pytest.fail(f"{len(offences)} broken:\n  " + "\n  ".join(offences), pytrace=False)


# -- the rules on planctl's source ---------------------------------------------------------

MODULES = parse(SRC)


def test_every_module_is_parsed():
    files = sorted((SRC / PACKAGE).rglob("*.py"))
    assert len(MODULES) == len(files) > 50
    assert {f"{PACKAGE}.cli", f"{PACKAGE}.core.model", f"{PACKAGE}.format.reader"} <= set(MODULES)


def test_imports_point_down_the_layers():
    judge(layer_offences(MODULES))


def test_no_import_circles():
    judge(circle_offences(MODULES, command_imports()))


def test_only_format_imports_yaml():
    judge(yaml_offences(MODULES))


def test_only_the_git_runner_and_the_workers_start_processes():
    missing = [f"{m} is missing: one of the two modules that start processes"
               for m in (GIT_RUNNER, WORKERS) if m not in MODULES]
    judge(missing + process_offences(MODULES))


def test_no_module_is_over_700_lines():
    judge(size_offences(MODULES))


# -- each check catches what it is for, on a made-up package -------------------------------

def package(tmp_path: Path, files: dict[str, str]) -> dict[str, Module]:
    for name, text in {"__init__.py": "", "core/__init__.py": "", "format/__init__.py": "",
                       "store/__init__.py": "", **files}.items():
        path = tmp_path / PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return parse(tmp_path)


def test_an_upward_import_inside_a_function_is_caught(tmp_path):
    modules = package(tmp_path, {
        "core/model.py": "def f():\n    from ..store import files\n",
        "store/files.py": "from .. import __version__\nfrom ..core.model import f\n",
        "cli.py": "from . import __version__\n",
    })
    assert layer_offences(modules) == [
        "planctl.core.model (line 2) imports planctl.store.files: core is below store; "
        "core may import only core",
        "planctl.store.files (line 1) imports planctl: only planctl.cli and planctl.__main__ "
        "may import the package root",
    ]


def test_a_module_outside_the_layers_is_caught(tmp_path):
    assert layer_offences(package(tmp_path, {"util.py": ""})) == [
        "planctl.util is in no layer: put it under one of " + ", ".join(LAYERS)]


def test_a_circle_through_a_function_level_import_is_caught(tmp_path):
    modules = package(tmp_path, {
        "store/a.py": "from . import b\n",
        "store/b.py": "def f():\n    from .a import x\n",
        "store/c.py": "from .a import y\n",
    })
    assert circle_offences(modules) == [
        "import circle among planctl.store.a, planctl.store.b: planctl.store.a (line 1) imports "
        "planctl.store.b; planctl.store.b (line 2) imports planctl.store.a"]


def test_yaml_and_processes_outside_their_modules_are_caught(tmp_path):
    modules = package(tmp_path, {
        "format/reader.py": "import yaml\n",
        "store/edits.py": "def f():\n    from yaml import nodes\n",
        "store/gitstore/__init__.py": "import os\nos.system('git status')\n",
        "store/gitstore/runner.py": "import subprocess\n",
        "core/x.py": "from subprocess import run\n",
    })
    assert yaml_offences(modules) == [
        "planctl.store.edits (line 2) imports yaml: only planctl.format knows YAML"]
    assert process_offences(modules) == [
        "planctl.core.x (line 1) imports subprocess: only planctl.store.gitstore.runner starts "
        "processes (git)",
        "planctl.store.gitstore (line 2) calls os.system: only planctl.store.gitstore.runner "
        "starts processes (git)",
    ]


def test_a_long_module_is_caught(tmp_path):
    modules = package(tmp_path, {"core/long.py": "x = 1\n" * (MAX_LINES + 1)})
    assert size_offences(modules) == [
        f"planctl.core.long has {MAX_LINES + 1} lines: split it (at most {MAX_LINES}, "
        "one idea per module)"]
