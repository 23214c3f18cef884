"""Every install line installs this project (distribution planctl-council), never the
unrelated "planctl" of the package index; the command stays `planctl`."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import ROOT

# `pip install ... planctl` with planctl as a bare requirement (not planctl-council, not
# a path or URL ending in planctl.git).
BARE = re.compile(r"pip3? install\b[^\n]*?(?<![\w/.@-])planctl(?![\w.-])")


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def documents():
    yield ROOT / "README.md"
    yield from sorted((ROOT / "docs").glob("*.md"))
    yield ROOT / ".pre-commit-hooks.yaml"
    yield from sorted((ROOT / "src" / "planctl").rglob("*.py"))


def test_the_distribution_has_its_own_name_and_the_command_is_planctl():
    p = project()
    assert p["name"] == "planctl-council"
    assert p["scripts"] == {"planctl": "planctl.cli:main"}


def test_no_document_installs_the_unrelated_planctl():
    found = []
    for path in documents():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BARE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, found
    assert BARE.search("pip install pre-commit planctl")  # the guard itself bites
    assert not BARE.search('pip install "planctl-council @ git+https://h/g/planctl.git@v0.1.0"')


def test_ci_examples_install_this_distribution_by_tag():
    text = (ROOT / "docs" / "team-workflow.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    name = project()["name"]
    ci = [yaml.safe_load(b) for b in blocks if "planctl check" in b and "image:" in b
          or "runs-on" in b]
    assert len(ci) >= 2  # GitHub Actions and GitLab CI (and the dashboard's pages workflow)
    for doc in ci:
        source = (doc.get("env") or doc.get("variables"))["PLANCTL"]
        assert source.startswith(f"{name} @ git+https://") and re.search(r"@v\d+\.\d+\.\d+$", source)
    assert text.count('pip install "$PLANCTL"') >= 4


def test_pre_commit_hook_installs_this_repository():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = hooks
    # language: python makes pre-commit pip-install the hook's own repository, whose
    # pyproject provides the planctl command the entry runs.
    assert hook["language"] == "python" and hook["entry"].split()[0] == "planctl"
    assert "planctl" in project()["scripts"]
