"""The house rules a newcomer can rely on: who may import whom, and where each rule lives."""

import ast
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "practice", "programs", "clients")
# What `practice` must never name: the apps to its right, their URL names and their relations.
RIGHT_OF_PRACTICE = ("clients", "programs", "workspace:", "phone-app", "client__", "program__")


def _sources(*packages: str):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), filename=str(path))


def _kept(contract: str) -> bool:
    """Whether an import-linter contract of pyproject.toml is kept (what breaks it is printed)."""
    config = str(ROOT / "pyproject.toml")
    return lint_imports(config_filename=config, limit_to_contracts=(contract,), no_cache=True) == 0


def test_the_apps_import_one_way_config_clients_programs_practice():
    assert _kept("apps")


def test_the_rooms_of_clients_import_downwards_only_so_never_in_a_cycle():
    assert _kept("rooms")


def _is_ours(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] in APPS
    return any(alias.name.split(".")[0] in APPS for alias in node.names)


def test_no_module_imports_inside_a_function_to_dodge_a_cycle():
    tucked = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _sources(*APPS)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom) and _is_ours(node)
    ]
    assert tucked == []


def _names_an_app_to_the_right(node: ast.AST) -> bool:
    """A dotted path, URL name or ORM lookup of clients or programs, or `getattr(user, "client")`."""
    if isinstance(node, ast.keyword):  # filter(client__isnull=False) follows a relation of clients
        return (node.arg or "").startswith(("client", "program", "exercise", "assignment"))
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" not in node.value:
        # one-line strings only: prose (docstrings, help texts) may speak of clients
        return node.value.startswith(("clients.", "programs.")) or any(
            word in node.value for word in RIGHT_OF_PRACTICE[2:]
        )
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("getattr", "hasattr"):
        return any(isinstance(arg, ast.Constant) and arg.value in ("client", "clients") for arg in node.args)
    return False


def test_practice_names_no_app_to_its_right_not_even_in_a_string():
    named = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _sources("practice")
        for node in ast.walk(tree)
        if _names_an_app_to_the_right(node)
    ]
    assert named == []
