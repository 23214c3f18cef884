"""Measure candidate YAML parsers against planctl's libyaml front end (issue 25, section 1).

For each candidate that is installed (the others are listed as missing), on the bench
plans (`generate.py`, 20,000 actions in 200 files unless --plans is given):

- speed: the whole set parsed in this process, every function once per round, rounds
  interleaved, medians (so a busy machine hits every figure alike);
- positions: whether what it returns says where each value was written (planctl's
  model keeps each action's, recommendation's, lead's ... line and column, and every
  warning of a valid plan is located, so every file needs them, not only broken ones);
- characters: whether `id: 3.10`, `lead: NO`, `due: 2013-05-22` come back as written;
- agreement: which of tests/corpus and a few short probes it accepts where libyaml
  refuses, or refuses where libyaml accepts (either changes a problem or a model);
- bounds: each hostile text parsed in a child process limited to 500 MB and 5 s, as
  tests/test_corpus.py bounds planctl.

The candidates are never project dependencies; install them in a scratch venv with
planctl itself (`pip install -e . rapidyaml yaml-rs ryaml ...`) and run:

    python bench/yaml_frontends.py --runs 5
    python bench/yaml_frontends.py --plans /tmp/plans --skip-bounds
"""

from __future__ import annotations

import argparse
import bisect
import ctypes
import importlib
import json
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from planctl.format import reader, yamlsafe

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "corpus"
LIMIT_BYTES = 500 * 1024 * 1024
LIMIT_SECONDS = 5

Parse = Callable[[str], object]


# -- candidates: (pip name, module, how it parses a text) --------------------------------


def _ryml_parse(text: str) -> object:
    import ryml
    return ryml.parse_in_arena(text.encode())


def _ryml_json(text: str) -> object:
    """One crossing per file: ryml's own JSON emitter, then json.loads."""
    import ryml
    tree = ryml.parse_in_arena(text.encode())
    return json.loads(ryml.emit_json(tree))


def _ryml_walk(text: str) -> object:
    """Node by node from Python: each node's key and value bytes (no positions even so)."""
    import ryml
    tree = ryml.parse_in_arena(text.encode())
    out = []
    stack = [tree.root_id()]
    while stack:
        node = stack.pop()
        key = bytes(tree.key(node)) if tree.has_key(node) else None
        val = bytes(tree.val(node)) if tree.has_val(node) else None
        out.append((key, val))
        child = tree.first_child(node)
        while child != ryml.NONE:
            stack.append(child)
            child = tree.next_sibling(child)
    return out


class _PyBuffer(ctypes.Structure):
    """CPython's Py_buffer: the one way to read a read-only memoryview's address."""

    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.c_void_p), ("strides", ctypes.c_void_p),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


def _address(view: memoryview) -> int:
    buffer = _PyBuffer()
    ctypes.pythonapi.PyObject_GetBuffer(ctypes.py_object(view), ctypes.byref(buffer), 0)
    try:
        return int(buffer.buf or 0)
    finally:
        ctypes.pythonapi.PyBuffer_Release(ctypes.byref(buffer))


def _ryml_located(text: str) -> object:
    """The least a located front end on ryml must do: walk node by node and turn each
    scalar's address in the parsed buffer into a line and column (an under-estimate:
    mappings, lists and empty values would still need their positions worked out)."""
    import ryml
    data = bytearray(text.encode())
    base = _address(memoryview(data))
    starts = [0] + [i + 1 for i, c in enumerate(data) if c == 10]
    tree = ryml.parse_in_place(data)
    out = []
    stack = [tree.root_id()]
    while stack:
        node = stack.pop()
        views = [tree.key(node)] if tree.has_key(node) else []
        if tree.has_val(node) and not tree.is_container(node):
            views.append(tree.val(node))
        for view in views:
            if not view:  # an empty value: no text, so no address
                out.append((None, 0, 0))
                continue
            offset = _address(view) - base  # bytes: columns would still need characters
            line = bisect.bisect_right(starts, offset)
            out.append((bytes(view), line, offset - starts[line - 1]))
        child = tree.first_child(node)
        while child != ryml.NONE:
            stack.append(child)
            child = tree.next_sibling(child)
    return out


def _loader(module: str, function: str, **kwargs: object) -> Parse:
    def parse(text: str) -> object:
        return getattr(importlib.import_module(module), function)(text, **kwargs)
    return parse


def _pyrs_yaml(text: str) -> object:
    import pyrs_yaml
    documents = pyrs_yaml.safe_loads(text)  # every document of the stream, in a list
    return documents[0] if len(documents) == 1 else documents


CANDIDATES: list[tuple[str, str, str, Parse]] = [
    # (label, pip name, module to import, parse)
    ("rapidyaml: parse", "rapidyaml", "ryml", _ryml_parse),
    ("rapidyaml: parse + emit_json + json.loads", "rapidyaml", "ryml", _ryml_json),
    ("rapidyaml: parse + walk nodes from Python", "rapidyaml", "ryml", _ryml_walk),
    ("rapidyaml: parse + walk + each scalar's line and column", "rapidyaml", "ryml", _ryml_located),
    ("yaml-rs loads", "yaml-rs", "yaml_rs", _loader("yaml_rs", "loads", parse_datetime=False)),
    ("ryaml loads", "ryaml", "ryaml", _loader("ryaml", "loads")),
    ("pyyaml-rs safe_load", "pyyaml-rs", "pyyaml_rs", _loader("pyyaml_rs", "safe_load")),
    ("fastyaml-rs safe_load", "fastyaml-rs", "fast_yaml", _loader("fast_yaml", "safe_load")),
    ("py-yaml12 parse_yaml", "py-yaml12", "yaml12", _loader("yaml12", "parse_yaml")),
    ("rustyyaml safe_load", "rustyyaml", "rustyyaml", _loader("rustyyaml", "safe_load")),
    ("oryaml loads", "oryaml", "oryaml", _loader("oryaml", "loads")),
    ("pyrs-yaml safe_loads", "pyrs-yaml", "pyrs_yaml", _pyrs_yaml),
    ("rs-turboyaml load", "rs-turboyaml", "turboyaml", _loader("turboyaml", "load")),
    ("libfyaml loads", "libfyaml", "libfyaml", _loader("libfyaml", "loads")),
]


def _bare_load(text: str) -> object:
    return yaml.load(text, Loader=yaml.CSafeLoader)


class Refused(Exception):
    """planctl's front end said no (it returns problems rather than raising)."""


def _planctl_compose(text: str) -> object:
    root, problems = yamlsafe.compose(text, "plan.yaml")
    if problems:
        raise Refused(f"{problems[0].code} at {problems[0].line}:{problems[0].column}")
    return root


def _planctl_read(text: str) -> object:
    return reader.load_text(text, "plan.yaml")


BASELINES: list[tuple[str, Parse]] = [
    ("PyYAML CSafeLoader yaml.load (the cold row's baseline)", _bare_load),
    ("planctl today: libyaml compose (format/yamlsafe.py)", _planctl_compose),
    ("planctl today: compose + reader (format/reader.py load_text)", _planctl_read),
]


def available() -> tuple[list[tuple[str, str, Parse]], list[str]]:
    found, missing = [], []
    for label, pip_name, module, parse in CANDIDATES:
        try:
            importlib.import_module(module)
        except ImportError:
            if pip_name not in missing:
                missing.append(pip_name)
            continue
        found.append((label, module, parse))
    return found, missing


# -- speed ---------------------------------------------------------------------------------


def speed(functions: list[tuple[str, Parse]], texts: list[str], runs: int) -> dict[str, list[float]]:
    """Seconds per run over all texts, every function once per round (interleaved)."""
    times: dict[str, list[float]] = {label: [] for label, _ in functions}
    for parse in (p for _, p in functions):  # warm-up: imports and lazily compiled patterns
        _try(parse, texts[0])
    for _ in range(runs):
        for label, parse in functions:
            start = time.perf_counter()
            for text in texts:
                _try(parse, text)
            times[label].append(time.perf_counter() - start)
    return times


def _try(parse: Parse, text: str) -> object:
    try:
        return parse(text)
    except Exception as exc:  # a candidate's own exception types: any refusal counts
        return exc


# -- characters and positions --------------------------------------------------------------

AS_WRITTEN = "id: 3.10\nlead: NO\ndue: 2013-05-22\ncount: 010\n"
WRITTEN = {"id": "3.10", "lead": "NO", "due": "2013-05-22", "count": "010"}


def characters(parse: Parse) -> str:
    got = _try(parse, AS_WRITTEN)
    if isinstance(got, Exception):
        return f"refused: {type(got).__name__}"
    if not isinstance(got, dict):
        return "a tree (characters as written; no values built)"
    changed = [f"{k}: {WRITTEN[k]} -> {got.get(k)!r}" for k in WRITTEN if got.get(k) != WRITTEN[k]]
    return "as written" if not changed else "; ".join(changed)


def positions(parse: Parse) -> str:
    got = _try(parse, AS_WRITTEN)
    if isinstance(got, dict):
        value = got.get("id")
        plain = type(value) in (str, int, float, bool) or value is None
        return "none (plain Python values)" if plain else f"? ({type(value).__name__})"
    if type(got).__name__ == "Tree" or isinstance(got, list):  # rapidyaml's tree, or our walk of it
        return ("scalars only, one node at a time, as addresses in its buffer; none for "
                "mappings, lists or empty values; its Python API has no locations")
    return f"? ({type(got).__name__}: look)"


# -- agreement with libyaml ----------------------------------------------------------------

PROBES = {
    "tab after a key's colon": "a:\tb\n",
    "tab indentation": "a:\n\t- b\n",
    "two documents": "a: b\n---\nc: d\n",
    "duplicate key": "a: 1\na: 2\n",
    "unclosed flow list": "a: [b, c\n",
    "unclosed quote": "a: 'b\n",
    "key without a colon among keys": "a: b\nc d\ne: f\n",
    "bad indentation": "a:\n  b: c\n d: e\n",
    "NUL character": "a: b\x00\n",
    "U+2028 inside a plain value": "a: b\u2028c\n",
    "directive": "%YAML 1.1\n---\na: b\n",
    "merge key": "a: &x {b: c}\nd:\n  <<: *x\n",
    "undefined alias": "a: *nowhere\n",
    "custom tag": "a: !thing b\n",
    "flow mapping as a key": "{a: b}: c\n",
    "comment without a space": "a: b#c\n",
    "plain value with ': '": "a: b: c\n",
}


def _libyaml_refuses(text: str) -> bool:
    try:
        yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return True
    return False


def cases() -> dict[str, str]:
    """The probes and every corpus file a parser would see (after planctl's decoding)."""
    found = dict(PROBES)
    for path in sorted((CORPUS / "bad").glob("*.yaml")) + sorted((CORPUS / "good").glob("*.yaml")):
        try:
            found[f"corpus/{path.parent.name}/{path.name}"] = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            continue  # refused before any parser sees it
    return found


def _differs(name: str, libyaml: bool, theirs: bool) -> list[str]:
    if libyaml == theirs:
        return []
    return [f"{name} ({'libyaml refuses, it accepts' if libyaml else 'it refuses, libyaml accepts'})"]


def agreement(parse: Parse) -> list[str]:
    """Texts where the candidate and libyaml disagree on refusing (in this process)."""
    return [d for name, text in cases().items()
            for d in _differs(name, _libyaml_refuses(text), isinstance(_try(parse, text), Exception))]


_AGREEMENT_CHILD = """
import sys, resource
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
sys.path[:0] = {path!r}
import yaml_frontends as bench
parse = bench.CANDIDATES[{index}][3]
for name, text in list(bench.cases().items())[{start}:]:
    print(name, flush=True)
    print(int(bench._libyaml_refuses(text)), int(isinstance(bench._try(parse, text), Exception)), flush=True)
"""


def agreement_bounded(index: int) -> list[str]:
    """agreement() for CANDIDATES[index], in child processes of 500 MB with 5 s a text: a
    text that hangs it, exhausts its memory or crashes it is named and the rest still run."""
    names = list(cases())
    differ: list[str] = []
    start = 0
    while start < len(names):
        code = _AGREEMENT_CHILD.format(limit=LIMIT_BYTES, path=[str(HERE)] + sys.path,
                                       index=index, start=start)
        with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True) as child:
            assert child.stdout is not None
            start, failed = _follow(child, start, names, differ)
            if failed:
                child.kill()
                differ.append(f"{names[start]} ({failed})")
                start += 1
    return differ


def _follow(child: subprocess.Popen[str], start: int, names: list[str],
            differ: list[str]) -> tuple[int, str]:
    """Read the child's (name, verdicts) lines; (where it stopped, why, or "" when done)."""
    assert child.stdout is not None
    while start < len(names):
        lines = []
        for _ in range(2):
            ready, _, _ = select.select([child.stdout], [], [], LIMIT_SECONDS)
            line = child.stdout.readline() if ready else None
            if not line:
                why = "crashed or ran out of memory" if ready else f"still parsing after {LIMIT_SECONDS} s"
                return start, f"{why}: over planctl's bounds"
            lines.append(line.strip())
        libyaml, theirs = lines[1].split()
        differ += _differs(names[start], libyaml == "1", theirs == "1")
        start += 1
    return start, ""


def _libyaml_scalars(text: str) -> list[str]:
    """Keys and scalars in document order, as libyaml composes them."""
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    out, stack = [], [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            out.append(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack += [n for pair in reversed(node.value) for n in reversed(pair)]
        else:
            stack += reversed(node.value)
    return out


def _ryml_scalars(text: str) -> list[str]:
    """The same from rapidyaml's tree (aliases resolved; an empty value is "")."""
    import ryml
    tree = ryml.parse_in_arena(text.encode())
    tree.resolve()
    out: list[str] = []
    stack = [tree.root_id()]
    while stack:
        node = stack.pop()
        if tree.has_key(node):
            out.append(bytes(tree.key(node)).decode())
        if tree.has_val(node) and not tree.is_container(node):
            value = tree.val(node)
            out.append(bytes(value).decode() if value is not None else "")
        children = []
        child = tree.first_child(node)
        while child != ryml.NONE:
            children.append(child)
            child = tree.next_sibling(child)
        stack += reversed(children)
    return out


def ryml_characters(texts: dict[str, str]) -> list[str]:
    """The texts libyaml reads whose keys and scalars rapidyaml reads differently."""
    differ = []
    for name, text in texts.items():
        try:
            theirs = _libyaml_scalars(text)
        except yaml.YAMLError:
            continue
        ours = _try(_ryml_scalars, text)
        if ours != theirs:
            differ.append(name)
    return differ


# -- hostile texts, bounded ----------------------------------------------------------------


def hostile_texts() -> dict[str, str]:
    laughs = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
    return {
        "alias bomb (10^10 nodes)": laughs,
        "recursive alias": (CORPUS / "bad" / "recursive-alias.yaml").read_text(encoding="utf-8"),
        "100,000 nested [": "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "20,000 nested block lists": "".join(" " * i + "-\n" for i in range(20_000)),
        "4 MB scalar": "a: " + "x" * (4 * 1024 * 1024 - 8) + "\n",
        "1,000,000 flow items": "a: [" + "b," * 999_999 + "b]\n",
    }


_CHILD = """
import sys, importlib, resource
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
sys.path[:0] = {path!r}
import yaml_frontends as bench
text = open({file!r}, encoding="utf-8").read()
parse = getattr(bench, {name!r}) if {index} < 0 else bench.CANDIDATES[{index}][3]
try:
    parse(text)
    print("accepted")
except MemoryError:
    print("out of memory")
except RecursionError:
    print("recursion error")
except bench.Refused as exc:
    print(f"refused ({{exc}})")
except Exception as exc:
    print("refused: " + type(exc).__name__)
"""


def bounded(name: str, index: int, file: Path) -> str:
    """The outcome of one parse in a child process: a baseline by name, or CANDIDATES[index]."""
    code = _CHILD.format(limit=LIMIT_BYTES, path=[str(HERE)] + sys.path, name=name,
                         index=index, file=str(file))
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        return f"over {LIMIT_SECONDS} s"
    took = time.perf_counter() - start
    said = done.stdout.strip() or f"crashed (exit {done.returncode})"
    return f"{said.splitlines()[-1]}, {took:.2f} s"


def bounds(labels: list[tuple[str, str, int]], folder: Path) -> dict[str, dict[str, str]]:
    """{text: {label: outcome}}; labels are (label, baseline function name, candidate index)."""
    result: dict[str, dict[str, str]] = {}
    for i, (name, text) in enumerate(hostile_texts().items()):
        file = folder / f"hostile-{i}.yaml"
        file.write_text(text, encoding="utf-8")
        result[name] = {label: bounded(function, index, file) for label, function, index in labels}
    return result


# -- report --------------------------------------------------------------------------------


def _plans(args: argparse.Namespace, tmp: Path) -> list[str]:
    folder = args.plans
    if folder is None:
        folder = tmp / "plans"
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--actions", "20000",
                        "--files", "200", "--out", str(folder)], check=True, capture_output=True)
    return [p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.yaml"))]


def _speed_table(times: dict[str, list[float]], bare: str) -> None:
    base = statistics.median(times[bare])
    print("| parser | median s (min-max) | x bare CSafeLoader load |\n|---|---|---|")
    for label, runs in times.items():
        med = statistics.median(runs)
        print(f"| {label} | {med:.3f} ({min(runs):.3f}-{max(runs):.3f}) | {med / base:.2f}x |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plans", type=Path,
                    help="folder of plans (default: generate 20,000 actions / 200 files)")
    ap.add_argument("--runs", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--skip-bounds", action="store_true", help="do not run the hostile texts")
    ap.add_argument("--skip-speed", action="store_true", help="only the checks, not the timings")
    args = ap.parse_args()
    found, missing = available()
    print(f"Missing (pip install to measure): {', '.join(missing) or 'none'}\n")
    with tempfile.TemporaryDirectory() as tmp:
        texts = _plans(args, Path(tmp))
        functions = BASELINES + [(label, parse) for label, _, parse in found]
        print(f"{len(texts)} files, {sum(map(len, texts)):,} characters, {args.runs} interleaved rounds\n")
        if not args.skip_speed:
            _speed_table(speed(functions, texts, args.runs), BASELINES[0][0])
        print("\n| parser | positions | `3.10`, `NO`, `2013-05-22`, `010` | disagrees with libyaml on |")
        print("|---|---|---|---|")
        for label, _, parse in found:
            differ = agreement_bounded(next(i for i, c in enumerate(CANDIDATES) if c[0] == label))
            print(f"| {label} | {positions(parse)} | {characters(parse)} | "
                  f"{len(differ)}: {'; '.join(differ) or '-'} |")
        if any(module == "ryml" for _, module, _ in found):
            own = {str(p): p.read_text(encoding="utf-8-sig") for p in sorted(
                [*(HERE.parent / "plans").rglob("*.yaml"), *(CORPUS / "good").glob("*.yaml")])}
            own.update((f"bench file {i}", text) for i, text in enumerate(texts))
            differ = ryml_characters(own)
            print(f"\nrapidyaml's keys and scalars against libyaml's, {len(own)} files (plans/, "
                  f"tests/corpus/good, the bench files): {len(differ)} differ {differ[:5]}")
        if not args.skip_bounds:
            found_labels = {label for label, _, _ in found}
            labels = [("planctl compose", "_planctl_compose", -1)] + [
                (c[0], "", i) for i, c in enumerate(CANDIDATES)
                if c[0] in found_labels and "+" not in c[0]]
            print(f"\nHostile texts, each in a child process ({LIMIT_BYTES >> 20} MB, {LIMIT_SECONDS} s):\n")
            for name, outcomes in bounds(labels, Path(tmp)).items():
                print(f"- {name}: " + "; ".join(f"{k}: {v}" for k, v in outcomes.items()))


if __name__ == "__main__":
    main()
