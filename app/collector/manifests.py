"""Read the third-party packages a dependency manifest declares.

A manifest is recognised by its path alone; its text is parsed with the
standard library only (tomllib, json, xml.etree, configparser, ast) or, for
formats that are code (requirements files, go.mod, Gradle, Gemfile), with
line-oriented regular expressions. Nothing is ever executed: a setup.py is read
as a syntax tree and only literal lists count.

Parsing never raises. A manifest that does not parse yields what could be read,
which for the structured formats is nothing: a broken package.json commit must
not stop a collection.

"Third-party" means published somewhere: the project itself, sibling packages
referenced by a local path (`file:`, `workspace:`, `path = ...`) and platform
requirements (`php`, `ext-json`, `python`) are left out. Names keep the spelling
of their registry: PyPI names are normalised as PEP 503 says, Packagist names
are lower-case, Maven and Gradle give `group:artifact`, Go gives module paths.
"""

from __future__ import annotations

import ast
import configparser
import json
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import Any

Parser = Callable[[str], set[str]]

# --- Python -------------------------------------------------------------------

# The name at the start of a PEP 508 requirement, followed by what may follow a
# name: extras, a version specifier, a marker, a direct reference or nothing.
_PEP508_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?=[\[<>=!~;@(]|$)")
_PEP503_SEPARATORS = re.compile(r"[-_.]+")
_ARCHIVE_SUFFIXES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2")
# A requirements-file comment starts a line or follows whitespace; so do the
# per-requirement options (`--hash=...`) that may follow a requirement.
_REQUIREMENTS_TAIL = re.compile(r"(^|\s)(#|-).*")


def normalise_pypi(name: str) -> str:
    """A PyPI project name as PEP 503 compares it: lower-case, separators as one `-`."""
    return _PEP503_SEPARATORS.sub("-", name).lower()


def _requirement_name(requirement: str) -> str | None:
    match = _PEP508_NAME.match(requirement)
    if match is None or match.group(1).lower().endswith(_ARCHIVE_SUFFIXES):
        return None
    return normalise_pypi(match.group(1))


def _requirement_names(requirements: Iterable[Any]) -> set[str]:
    return {
        name for r in requirements if isinstance(r, str) and (name := _requirement_name(r))
    }


def _parse_requirements(text: str) -> set[str]:
    names = set()
    joined = re.sub(r"\\\r?\n", " ", text)
    for line in joined.splitlines():
        # Whole-line options (-r, -e, -c, --index-url) vanish with the tail; bare
        # URLs and paths are not PEP 508 names.
        if name := _requirement_name(_REQUIREMENTS_TAIL.sub("", line)):
            names.add(name)
    return names


def _table(mapping: Any, *keys: str) -> dict[str, Any]:
    """mapping[keys[0]][keys[1]]... when each step is a table, else an empty one."""
    for key in keys:
        mapping = mapping.get(key) if isinstance(mapping, dict) else None
    return mapping if isinstance(mapping, dict) else {}


def _list_values(mapping: dict[str, Any]) -> Iterable[Any]:
    for value in mapping.values():
        if isinstance(value, list):
            yield from value


def _is_local(spec: Any) -> bool:
    # Poetry, Pipenv and Cargo all write a sibling package as `{ path = "..." }`.
    return isinstance(spec, dict) and "path" in spec


def _named_tables(tables: Iterable[dict[str, Any]], skip: Iterable[str] = ()) -> set[str]:
    return {
        name for table in tables for name, spec in table.items()
        if not _is_local(spec) and name not in skip
    }


def _parse_pyproject(text: str) -> set[str]:
    document = tomllib.loads(text)
    project = _table(document, "project")
    dependencies = project.get("dependencies")
    names = _requirement_names(dependencies if isinstance(dependencies, list) else ())
    names |= _requirement_names(_list_values(_table(project, "optional-dependencies")))
    # PEP 735 groups may also hold {include-group = ...} tables, skipped here.
    names |= _requirement_names(_list_values(_table(document, "dependency-groups")))
    names |= _requirement_names(_list_values(_table(document, "tool", "pdm", "dev-dependencies")))
    poetry = _table(document, "tool", "poetry")
    groups = _table(poetry, "group")
    tables = [
        _table(poetry, "dependencies"), _table(poetry, "dev-dependencies"),
        *(_table(group, "dependencies") for group in groups.values()),
    ]
    names |= {normalise_pypi(name) for name in _named_tables(tables, skip=("python",))}
    # A project often depends on itself with extras (`myapp[test]`).
    for own in (project.get("name"), poetry.get("name")):
        if isinstance(own, str):
            names.discard(normalise_pypi(own))
    return names


def _parse_pipfile(text: str) -> set[str]:
    document = tomllib.loads(text)
    tables = [_table(document, "packages"), _table(document, "dev-packages")]
    # Old Pipfiles list the project itself as `"-e ." = "*"`: not a package name.
    return _requirement_names(_named_tables(tables))


def _parse_setup_cfg(text: str) -> set[str]:
    config = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        config.read_string(text)
    except configparser.Error:
        return set()
    lines: list[str] = []
    for key in ("install_requires", "tests_require"):
        lines += config.get("options", key, fallback="").splitlines()
    if config.has_section("options.extras_require"):
        for _, value in config.items("options.extras_require"):
            lines += value.splitlines()
    names = _requirement_names(line.split("#")[0] for line in lines)
    names.discard(normalise_pypi(config.get("metadata", "name", fallback="")))
    return names


def _parse_setup_py(text: str) -> set[str]:
    tree = ast.parse(text)
    # `install_requires=REQUIREMENTS` is common, so module-level literals are resolved.
    constants: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and (value := _literal(node.value)) is not None:
                constants[target.id] = value
    names: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called_name(node.func) == "setup"):
            continue
        for keyword in node.keywords:
            value = _literal(keyword.value)
            if value is None and isinstance(keyword.value, ast.Name):
                value = constants.get(keyword.value.id)
            # setuptools also accepts one string of requirement lines.
            if isinstance(value, str):
                value = value.splitlines()
            if keyword.arg in ("install_requires", "tests_require") and isinstance(value, list):
                names |= _requirement_names(value)
            elif keyword.arg == "extras_require" and isinstance(value, dict):
                names |= _requirement_names(_list_values(value))
    return names


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


# --- JavaScript and PHP ----------------------------------------------------------

_NPM_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
_NPM_LOCAL = ("file:", "link:", "workspace:", "portal:")


def _json_object(text: str) -> dict[str, Any]:
    document = json.loads(text)
    return document if isinstance(document, dict) else {}


def _parse_package_json(text: str) -> set[str]:
    document = _json_object(text)
    names = {
        name
        for section in _NPM_SECTIONS
        for name, version in _table(document, section).items()
        if not (isinstance(version, str) and version.startswith(_NPM_LOCAL))
    }
    own = document.get("name")
    if isinstance(own, str):
        names.discard(own)
    return names


def _parse_composer_json(text: str) -> set[str]:
    document = _json_object(text)
    # Every Packagist package is vendor/name; names without a slash are platform
    # requirements (php, ext-json, lib-icu, composer-plugin-api).
    names = {
        name.lower()
        for section in ("require", "require-dev")
        for name in _table(document, section)
        if "/" in name
    }
    own = document.get("name")
    if isinstance(own, str):
        names.discard(own.lower())
    return names


# --- Go and Rust --------------------------------------------------------------

_GO_DIRECTIVE = re.compile(r"^\s*(module|require)\b\s*(\(?)\s*(.*)$")


def _parse_go_mod(text: str) -> set[str]:
    names: set[str] = set()
    own = None
    in_require = False
    for raw_line in text.splitlines():
        # `// indirect` marks what `go mod tidy` pulled in for another dependency.
        line, _, comment = raw_line.partition("//")
        indirect = comment.strip().startswith("indirect")
        if in_require:
            if line.strip().startswith(")"):
                in_require = False
                continue
            fields = line.split()
        else:
            match = _GO_DIRECTIVE.match(line)
            if match is None:
                continue
            directive, opens_block, rest = match.groups()
            if directive == "module":
                own = rest.strip().strip('"')
                continue
            if opens_block:
                in_require = True
                continue
            fields = rest.split()
        if len(fields) == 2 and not indirect:
            names.add(fields[0].strip('"'))
    names.discard(own)
    return names


_CARGO_SECTIONS = ("dependencies", "dev-dependencies", "build-dependencies")


def _parse_cargo_toml(text: str) -> set[str]:
    document = tomllib.loads(text)
    tables = [_table(document, section) for section in _CARGO_SECTIONS]
    tables.append(_table(document, "workspace", "dependencies"))
    # [target.'cfg(windows)'.dependencies] and friends.
    for target in _table(document, "target").values():
        tables += [_table(target, section) for section in _CARGO_SECTIONS]
    names = set()
    for table in tables:
        for key, spec in table.items():
            if _is_local(spec):
                continue
            # `serde_json_alias = { package = "serde_json" }` renames a crate.
            package = spec.get("package") if isinstance(spec, dict) else None
            names.add(package if isinstance(package, str) else key)
    return names


# --- JVM --------------------------------------------------------------------


def _xml_root(text: str) -> ET.Element | None:
    # Entity declarations are how XML bombs work and no build file needs them.
    if "<!ENTITY" in text:
        return None
    return ET.fromstring(text)


def _local(tag: Any) -> str:
    # Maven and old MSBuild files put every element in a namespace.
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child_text(element: ET.Element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _parse_pom(text: str) -> set[str]:
    root = _xml_root(text)
    if root is None:
        return set()
    names = set()
    # dependencyManagement only pins versions (often whole BOMs) and adopts nothing.
    pending = [child for child in root if _local(child.tag) != "dependencyManagement"]
    while pending:
        element = pending.pop()
        tag = _local(element.tag)
        if tag == "dependency":
            group, artifact = _child_text(element, "groupId"), _child_text(element, "artifactId")
            # `${project.groupId}` marks a module of the same build.
            if group and artifact and "${" not in group + artifact:
                names.add(f"{group}:{artifact}")
        elif tag not in ("dependencyManagement", "build", "reporting"):
            pending.extend(element)
    names.discard(f"{_child_text(root, 'groupId')}:{_child_text(root, 'artifactId')}")
    return names


_GRADLE_CONFIGURATION = (
    r"\b(?:[a-z][A-Za-z]*(?:Implementation|Api|CompileOnly|RuntimeOnly|Compile|Runtime"
    r"|AnnotationProcessor)|implementation|api|compileOnly|runtimeOnly|compile|runtime"
    r"|annotationProcessor|kapt|ksp)"
)
# implementation 'g:a:1.0', implementation("g:a:1.0"), api(platform("g:a:1.0")).
_GRADLE_STRING = re.compile(
    _GRADLE_CONFIGURATION
    + r"\s*\(?\s*(?:(?:platform|enforcedPlatform)\s*\(\s*)?[\"']([^\"':\s]+):([^\"':\s]+)"
)
# implementation group: 'g', name: 'a' (Groovy) or implementation(group = "g", name = "a").
_GRADLE_MAP = re.compile(
    _GRADLE_CONFIGURATION
    + r"\s*\(?\s*group\s*[:=]\s*[\"']([^\"']+)[\"']\s*,\s*name\s*[:=]\s*[\"']([^\"']+)[\"']"
)


def _parse_gradle(text: str) -> set[str]:
    # Version-catalog references (`implementation(libs.okhttp)`) are resolved in
    # gradle/libs.versions.toml, which is a manifest of its own.
    return {
        f"{group}:{name}"
        for pattern in (_GRADLE_STRING, _GRADLE_MAP)
        for group, name in pattern.findall(text)
    }


def _parse_version_catalog(text: str) -> set[str]:
    names = set()
    # [libraries] entries are "g:a:1.0", { module = "g:a" } or { group = "g", name = "a" }.
    for spec in _table(tomllib.loads(text), "libraries").values():
        if isinstance(spec, dict):
            group, name = spec.get("group"), spec.get("name")
            spec = spec.get("module", f"{group}:{name}" if group and name else None)
        if isinstance(spec, str):
            group, _, rest = spec.partition(":")
            artifact = rest.partition(":")[0]
            if group and artifact:
                names.add(f"{group}:{artifact}")
    return names


# --- Ruby and .NET ----------------------------------------------------------

_GEM = re.compile(r"^\s*gem\s*\(?\s*[\"']([^\"']+)[\"']")
_GEM_PATH = re.compile(r"\bpath\s*(:|=>)")
_GEMSPEC_DEPENDENCY = re.compile(
    r"\.add_(?:runtime_|development_)?dependency\s*\(?\s*[\"']([^\"']+)[\"']"
)


def _parse_gemfile(text: str) -> set[str]:
    # `gem "mine", path: "../mine"` is a sibling, not a published gem.
    return {
        match.group(1) for line in text.splitlines()
        if (match := _GEM.match(line)) and not _GEM_PATH.search(line)
    }


def _parse_gemspec(text: str) -> set[str]:
    return set(_GEMSPEC_DEPENDENCY.findall(text))


# PackageVersion is central package management (Directory.Packages.props).
_MSBUILD_PACKAGES = frozenset({"PackageReference", "PackageVersion", "GlobalPackageReference"})


def _parse_msbuild(text: str) -> set[str]:
    root = _xml_root(text)
    if root is None:
        return set()
    return {
        element.get("Include", "").strip()
        for element in root.iter()
        if _local(element.tag) in _MSBUILD_PACKAGES and element.get("Include", "").strip()
    }


def _parse_packages_config(text: str) -> set[str]:
    root = _xml_root(text)
    if root is None:
        return set()
    return {
        element.get("id", "").strip()
        for element in root.iter()
        if _local(element.tag) == "package" and element.get("id", "").strip()
    }


# --- Recognising manifests --------------------------------------------------

# requirements.txt, requirements-dev.txt, dev-requirements.txt, requirements.in (pip-tools).
_REQUIREMENTS_FILE = re.compile(r"(.*[._-])?requirements([._-].*)?\.(txt|in)")

_BY_NAME: dict[str, tuple[str, Parser]] = {
    "pyproject.toml": ("PyPI", _parse_pyproject),
    "setup.cfg": ("PyPI", _parse_setup_cfg),
    "setup.py": ("PyPI", _parse_setup_py),
    "Pipfile": ("PyPI", _parse_pipfile),
    "package.json": ("npm", _parse_package_json),
    "go.mod": ("Go", _parse_go_mod),
    "Cargo.toml": ("crates.io", _parse_cargo_toml),
    "pom.xml": ("Maven", _parse_pom),
    "build.gradle": ("Gradle", _parse_gradle),
    "build.gradle.kts": ("Gradle", _parse_gradle),
    "libs.versions.toml": ("Gradle", _parse_version_catalog),
    "Gemfile": ("RubyGems", _parse_gemfile),
    "composer.json": ("Packagist", _parse_composer_json),
    "packages.config": ("NuGet", _parse_packages_config),
    "Directory.Packages.props": ("NuGet", _parse_msbuild),
    "Directory.Build.props": ("NuGet", _parse_msbuild),
}
_BY_SUFFIX: tuple[tuple[str, tuple[str, Parser]], ...] = (
    (".gemspec", ("RubyGems", _parse_gemspec)),
    (".csproj", ("NuGet", _parse_msbuild)),
    (".fsproj", ("NuGet", _parse_msbuild)),
    (".vbproj", ("NuGet", _parse_msbuild)),
)
# Installed or vendored copies of other people's manifests are not the user's choices.
_VENDORED_FOLDERS = frozenset({"node_modules", "bower_components", "site-packages"})


def _manifest(path: str) -> tuple[str, Parser] | None:
    folders = path.split("/")
    name = folders.pop()
    if _VENDORED_FOLDERS.intersection(folders):
        return None
    # A nested setup.py builds a sub-package (numpy/core/setup.py): it declares
    # no dependencies, and parsing every version of a large one is costly.
    if name == "setup.py" and folders:
        return None
    known = _BY_NAME.get(name)
    if known is not None:
        return known
    for suffix, kind in _BY_SUFFIX:
        if name.endswith(suffix):
            return kind
    if _REQUIREMENTS_FILE.fullmatch(name) or (
        folders and folders[-1] == "requirements" and name.endswith((".txt", ".in"))
    ):
        return ("PyPI", _parse_requirements)
    return None


def is_manifest(path: str) -> str | None:
    """The ecosystem ("PyPI", "npm", "Go", ...) whose dependencies `path` declares, or None."""
    known = _manifest(path)
    return known[0] if known else None


def parse_manifest(ecosystem: str, path: str, text: str) -> set[str]:
    """The package names the manifest at `path` declares; empty if unreadable.

    Never raises on malformed text. An ecosystem that is not the one
    `is_manifest(path)` gives yields an empty set.
    """
    known = _manifest(path)
    if known is None or known[0] != ecosystem:
        return set()
    try:
        names = known[1](text.removeprefix("\ufeff"))
    # Parse errors of tomllib and json are ValueErrors, of ast and xml.etree
    # SyntaxErrors; deep nesting is a RecursionError.
    except (ValueError, SyntaxError, RecursionError):
        return set()
    return {name for name in names if isinstance(name, str) and name}


def added_packages(ecosystem: str, path: str, before: str | None, after: str | None) -> set[str]:
    """Packages the manifest declares in `after` but not in `before` (None: no file)."""
    if after is None:
        return set()
    added = parse_manifest(ecosystem, path, after)
    if before is not None and added:
        added -= parse_manifest(ecosystem, path, before)
    return added
