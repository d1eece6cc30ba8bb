"""The deployable artifacts, checked without a container engine: every component builds as a
normal wheel that carries what it runs on (migrations with alembic.ini, templates, schemas) and
declares what it imports; an installed service migrates a database from its wheel alone; the
image definition passes hadolint; the compose file is a valid Compose document that runs every
process of the Procfile after its service's migration."""
from __future__ import annotations

import ast
import copy
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tomllib
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = sorted([*ROOT.glob("libs/*/pyproject.toml"), *ROOT.glob("services/*/pyproject.toml"),
                     ROOT / "gateway" / "pyproject.toml"])
SERVICES = sorted(p.parent.parent.name for p in ROOT.glob("services/*/migrations/alembic.ini")) + ["gateway"]
COMPOSE = ROOT / "deploy" / "compose" / "compose.yaml"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from clean copies: setuptools leaves build/ in the source folder, whose stale files
    (a deleted module) would otherwise travel in the next wheel."""
    out, sources = tmp_path_factory.mktemp("wheels"), tmp_path_factory.mktemp("sources")
    ignore = shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests")
    copies = [shutil.copytree(p.parent, sources / p.parent.name, ignore=ignore) for p in COMPONENTS]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), *map(str, copies)],
                   check=True, cwd=sources)
    return out


@pytest.fixture(scope="module")
def installed(wheels: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with Kabinet's wheels only (no editable install, no checkout on the path);
    the third-party packages come from this venv's site-packages, appended after its own."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-index", *map(str, sorted(wheels.glob("*.whl")))], check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "zz_third_party.pth").write_text(sysconfig.get_path("purelib") + "\n")
    yield python


def test_the_installed_wheels_requirements_are_met(installed: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(installed), "check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_wheel_carries_its_migrations_and_data(wheels: Path) -> None:
    import zipfile
    for service in SERVICES:
        names = zipfile.ZipFile(next(wheels.glob(f"kabinet_{service}-*.whl"))).namelist()
        migrations = f"kabinet_{service}/migrations/"
        assert {migrations + "alembic.ini", migrations + "env.py"} <= set(names), service
        shipped = {n for n in names if n.startswith(migrations + "versions/") and n.endswith(".py")}
        in_checkout = {f"{migrations}versions/{p.name}" for p in
                       (ROOT / ("gateway" if service == "gateway" else f"services/{service}")
                        / "migrations" / "versions").glob("*.py")}
        assert shipped == in_checkout, service
    gateway = zipfile.ZipFile(next(wheels.glob("kabinet_gateway-*.whl"))).namelist()
    assert "kabinet_gateway/templates/swagger.html" in gateway
    contracts = zipfile.ZipFile(next(wheels.glob("kabinet_contracts-*.whl"))).namelist()
    assert any(n.startswith("kabinet_contracts/schemas/") and n.endswith(".json") for n in contracts)


@pytest.mark.parametrize("service", SERVICES)
def test_an_installed_service_migrates_a_database_from_its_wheel(
        installed: Path, service: str, tmp_path: Path) -> None:
    db = tmp_path / f"{service}.db"
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    env[f"{service.upper()}_DATABASE_URL"] = f"sqlite:///{db}"
    where = subprocess.run([str(installed), "-c", f"import kabinet_{service}.config as c; print(c.SERVICE_DIR)"],
                           check=True, capture_output=True, text=True, cwd=tmp_path, env=env).stdout.strip()
    assert Path(where).is_relative_to(installed.parent.parent), where  # the wheel's copy, not the checkout
    subprocess.run([str(installed), "-m", f"kabinet_{service}.migrate"], check=True, cwd=tmp_path, env=env)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone()
        tables = conn.execute("select count(*) from sqlite_master where type = 'table'").fetchone()[0]
        assert tables > 1, service


def _imports(package: Path, testing: bool) -> set[str]:
    """Top-level names imported by the package's modules: those of its ``testing`` subpackage
    (run under pytest only) when ``testing``, else the rest."""
    found: set[str] = set()
    for module in package.rglob("*.py"):
        if ("testing" in module.relative_to(package).parts[:-1]) != testing:
            continue
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("pyproject", COMPONENTS, ids=lambda p: p.parent.name)
def test_every_component_declares_what_it_imports(pyproject: Path) -> None:
    project = tomllib.loads(pyproject.read_text())
    declared = {_name(r) for r in project["project"]["dependencies"]} | {_name(project["project"]["name"])}
    extras = {_name(r) for rs in project["project"].get("optional-dependencies", {}).values() for r in rs}
    packages = [p for p in project["tool"]["setuptools"]["packages"] if "." not in p]
    owners = packages_distributions()
    for testing, allowed in ((False, declared), (True, declared | extras)):
        code = {m for p in packages for m in _imports(pyproject.parent / p, testing)}
        missing = {m: owners.get(m, [m]) for m in code - set(sys.stdlib_module_names) - {"__future__"}
                   if not {_name(d) for d in owners.get(m, [m])} & allowed}
        assert not missing, f"{pyproject.parent.name} imports undeclared {missing}"


def test_the_image_definition_passes_hadolint() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run([str(hadolint), "--failure-threshold", "info", str(ROOT / "deploy" / "Dockerfile")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _compose(values: dict[str, str] | None = None) -> dict[str, Any]:
    """The document Compose would run: variables interpolated (defaults, else a test value),
    merge keys resolved, extension fields dropped."""
    def value(m: re.Match[str]) -> str:
        name, op, default = m.group(1), m.group(2) or "", m.group(3) or ""
        return (values or {}).get(name) or (default if op == ":-" else "test")
    text = re.sub(r"\$\{(\w+)(:-|:\?)?([^}]*)\}", value, COMPOSE.read_text())
    doc = YAML(typ="safe").load(text)
    return {k: v for k, v in doc.items() if not k.startswith("x-")}


def _validate(doc: dict[str, Any]) -> None:
    from compose_spec import PyCompose
    compose = PyCompose.from_json(json.dumps(doc))
    compose.validate()


def test_the_compose_file_is_a_valid_compose_document() -> None:
    doc = _compose()
    _validate(doc)
    broken = copy.deepcopy(doc)
    broken["services"]["journal-web"]["healthcheck"]["interval"] = "often"
    with pytest.raises(ValueError):
        _validate(broken)  # the validator does reject what Compose would


def test_compose_refers_only_to_what_exists() -> None:
    doc = _compose()
    for name, service in doc["services"].items():
        assert set(service.get("depends_on", {})) <= set(doc["services"]), name
    for kind in ("configs", "secrets"):
        for name, item in doc[kind].items():
            path = (COMPOSE.parent / item["file"]).resolve()
            # The secrets are the operator's, made once (README "Operating Kabinet").
            assert path.is_file() or path.parent.name == "secrets", f"{kind} {name}: {path}"


def test_compose_runs_every_procfile_process_after_its_migration() -> None:
    services = _compose()["services"]
    for line in (ROOT / "Procfile").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, command = (part.strip() for part in line.split(":", 1))
        module = command.removeprefix("python -m ").split()[0]
        service = services[name]
        assert service["command"][0] == module, name
        component = module.split(".")[0].removeprefix("kabinet_")
        assert service["depends_on"][f"{component}-migrate"]["condition"] == "service_completed_successfully"
        assert "healthcheck" in service, name
        assert "gateway-proof" in service["secrets"], name
    for component in SERVICES:
        migrate = services[f"{component}-migrate"]
        assert migrate["command"] == [f"kabinet_{component}.migrate"]
        assert f"kabinet_{component}" in migrate["environment"][f"{component.upper()}_DATABASE_URL"]
        assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    init = (ROOT / "deploy" / "compose" / "postgres-init.sh").read_text()
    assert "CREATE ROLE" in init and "CREATE DATABASE" in init
    assert set(services["postgres"]["environment"]["KABINET_SERVICES"].split()) == set(SERVICES)
