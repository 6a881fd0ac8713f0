"""Documentation as a contract: runnable examples, complete docstrings, one vocabulary, user-facing words."""

import doctest
import importlib
import inspect
import pkgutil
import re
import warnings
from pathlib import Path

import pytest

import geolink

REPO = Path(__file__).resolve().parents[1]
MODULES = sorted(m.name for m in pkgutil.iter_modules(geolink.__path__, "geolink.") if m.name != "geolink.__main__")
PUBLIC = [name for name in geolink.__all__ if callable(getattr(geolink, name))]


@pytest.mark.parametrize("module", MODULES)
def test_examples_run(module, tmp_path, monkeypatch):
    """Every Examples section is a doctest, run against the installed package."""
    monkeypatch.chdir(tmp_path)
    mod = importlib.import_module(module)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for test in finder.find(mod, module):
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0


def _own_parameters(obj) -> list[str]:
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return []
    return [p for p in params if p not in ("self", "cls") and not p.startswith("_")]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_docstrings_are_complete(name):
    obj = getattr(geolink, name)
    doc = inspect.getdoc(obj) or ""
    assert ">>>" in doc and "Examples\n--------" in doc, f"{name}: no runnable Examples section"
    if inspect.isfunction(obj):
        if _own_parameters(obj):
            assert "Parameters\n----------" in doc, f"{name}: no Parameters section"
        returns = inspect.signature(obj).return_annotation
        if returns not in (None, "None"):
            assert "Returns\n-------" in doc, f"{name}: no Returns section"


def test_dir_lists_every_public_name():
    assert set(geolink.__all__) <= set(dir(geolink))
    for name in ("choropleth", "web_map", "distance_decay", "sigma_convergence", "beta_convergence"):
        assert name in dir(geolink)


VOCABULARY = {
    # old spelling → what the conventions table says instead
    "region": "unit",
    "city": "unit",
    "on": "unit",
    "by": "time",
    "weights": "weight (observation weights) or weights (spatial weights only)",
    "how": "distance",
    "indicators": "value",
    "column": "value",
    "units": "value_unit",
    "breaks": "bins",
    "base_year": "start",
    "final_year": "end",
}
SPATIAL_WEIGHTS_OK = {"moran", "local_moran", "spatial_markov", "spatial_weights", "beta_convergence"}
# words that mean something else in these functions: a join's type (as in pandas), a set of units
OTHER_MEANING = {("join", "how"), ("spatial_weights", "units"), ("moran", "units"), ("local_moran", "units")}


@pytest.mark.parametrize("name", [n for n in PUBLIC if inspect.isfunction(getattr(geolink, n))])
def test_public_functions_follow_the_vocabulary(name):
    fn = getattr(geolink, name)
    params = inspect.signature(fn).parameters
    for old, new in VOCABULARY.items():
        if (old == "weights" and name in SPATIAL_WEIGHTS_OK) or (name, old) in OTHER_MEANING:
            continue
        assert old not in params, f"{name}({old}=…): the conventions say {new}"
    positional = [p for p in params.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    options = [p.name for p in positional if p.default is not inspect.Parameter.empty]
    assert len(options) <= 1, f"{name}: options {options} must be keyword-only"


INTERNAL = re.compile(r"(?i:seed ?00\d|\bissues? (#\d+|\d+))|\bSPEC\b")


def test_no_internal_references_in_package_readme_or_outputs():
    files = [*(REPO / "geolink").rglob("*.py"), REPO / "README.md", *(REPO / "data").rglob("README*.md"),
             *(REPO / "boundaries").glob("README*.md"), REPO / "maps" / "README.md"]
    offenders = []
    for path in files:
        if not path.exists():
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INTERNAL.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{i}: {line.strip()[:100]}")
    assert not offenders, "\n".join(offenders)


def test_readme_has_the_conventions_table():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "## Conventions" in readme
    table = readme[readme.index("## Conventions") :]
    for word in ("`unit=`", "`value`", "`time=`", "`year=`", "`group=`", "`weight=`", "`weights=`", "`distance=`",
                 "`scheme=`", "`dropna=`"):
        assert word in table


def _imports() -> dict[str, set[str]]:
    """geolink module → the geolink modules it imports (at module level or inside functions)."""
    import ast

    graph = {}
    for path in (REPO / "geolink").glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("geolink"):
                parts = node.module.split(".")
                deps |= {a.name for a in node.names} if len(parts) == 1 else {parts[1]}
            elif isinstance(node, ast.Import):
                deps |= {a.name.split(".")[1] for a in node.names if a.name.startswith("geolink.")}
        graph[path.stem] = deps - {path.stem}
    return graph


def test_imports_are_one_way():
    """No import cycle (lazy imports included); runtime modules don't reach into the build pipeline,
    the web map does not import the static maps, and no private name is imported across modules."""
    graph = _imports()

    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for dep in graph.get(todo.pop(), ()):
                if dep in graph and dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    cycles = [m for m in graph if m in reach(m)]
    assert not cycles, f"import cycles through {cycles}"
    builders = {m for m, deps in graph.items() if "build" in deps}
    assert builders <= {"boundaries"}, f"runtime modules importing the build pipeline: {builders - {'boundaries'}}"
    assert "maps" not in graph["webmap"]


def test_no_private_names_across_modules():
    import ast

    offenders = []
    for path in (REPO / "geolink").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("geolink."):
                if node.module.split(".")[1].startswith("_"):
                    continue  # private modules exist to be shared
                offenders += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    assert not offenders, offenders
