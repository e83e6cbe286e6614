"""Dependency manifests: which files are manifests, which packages they declare,
which packages a commit added, and reading their versions out of git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.collector.blobs import BlobReader, packages_added
from app.collector.errors import RepositoryError
from app.collector.manifests import added_packages, is_manifest, parse_manifest
from tests.gitrepos import RepoBuilder

# --- Which files are manifests ---------------------------------------------------


@pytest.mark.parametrize(("path", "ecosystem"), [
    ("requirements.txt", "PyPI"),
    ("requirements-dev.txt", "PyPI"),
    ("services/api/dev-requirements.txt", "PyPI"),
    ("requirements.in", "PyPI"),
    ("requirements/base.txt", "PyPI"),
    ("pyproject.toml", "PyPI"),
    ("setup.cfg", "PyPI"),
    ("setup.py", "PyPI"),
    ("Pipfile", "PyPI"),
    ("web/package.json", "npm"),
    ("go.mod", "Go"),
    ("crates/core/Cargo.toml", "crates.io"),
    ("pom.xml", "Maven"),
    ("app/build.gradle", "Gradle"),
    ("build.gradle.kts", "Gradle"),
    ("gradle/libs.versions.toml", "Gradle"),
    ("Gemfile", "RubyGems"),
    ("mygem.gemspec", "RubyGems"),
    ("composer.json", "Packagist"),
    ("src/Api/Api.csproj", "NuGet"),
    ("packages.config", "NuGet"),
    ("Directory.Packages.props", "NuGet"),
])
def test_manifests_are_recognised_by_path(path: str, ecosystem: str) -> None:
    assert is_manifest(path) == ecosystem


@pytest.mark.parametrize("path", [
    "README.md",
    "package-lock.json",
    "Cargo.lock",
    "go.sum",
    "poetry.lock",
    "Gemfile.lock",
    "constraints.txt",
    "docs/notes.txt",
    "node_modules/left-pad/package.json",
    "frontend/node_modules/@babel/core/package.json",
])
def test_lock_files_vendored_copies_and_other_files_are_not_manifests(path: str) -> None:
    assert is_manifest(path) is None


# --- What each format declares -------------------------------------------------

REQUIREMENTS_TXT = """\
# Web
Django>=4.2,<5  # the framework
djangorestframework==3.14.0
python_dateutil
zope.interface~=6.0
requests[security,socks] >= 2.31 ; python_version >= "3.8"
pytz --hash=sha256:0123456789abcdef
celery \\
    ==5.3.4
-r common.txt
-c constraints.txt
--index-url https://pypi.example.com/simple
-e git+https://github.com/example/editable.git#egg=editable
git+https://github.com/example/direct.git
https://files.example.com/archive-1.0.tar.gz
./local/package
wheels/local_wheel-1.0-py3-none-any.whl
mypkg @ https://github.com/example/mypkg/archive/main.zip
"""

PYPROJECT_PEP621 = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "Commit_Stats"
dependencies = ["Flask>=3", "pymongo[srv]~=4.6", "GitPython"]

[project.optional-dependencies]
test = ["pytest>=8", "commit-stats[dev]"]
docs = ["Sphinx"]

[dependency-groups]
lint = ["ruff", {include-group = "test"}]
"""

PYPROJECT_POETRY = """\
[tool.poetry]
name = "my-service"

[tool.poetry.dependencies]
python = "^3.11"
fastapi = "^0.110"
SQLAlchemy = {version = "^2.0", extras = ["asyncio"]}
shared-lib = {path = "../shared", develop = true}

[tool.poetry.dev-dependencies]
black = "*"

[tool.poetry.group.test.dependencies]
pytest-asyncio = "*"
"""

SETUP_CFG = """\
[metadata]
name = mylib

[options]
packages = find:
install_requires =
    attrs>=21
    importlib-metadata; python_version<"3.8"
    # a comment line
tests_require = pytest

[options.extras_require]
yaml = PyYAML>=6
all =
    mylib[yaml]
    rich
"""

SETUP_PY = """\
from setuptools import find_packages, setup

REQUIREMENTS = ["click>=8", "Jinja2"]

setup(
    name="tool",
    packages=find_packages(),
    install_requires=REQUIREMENTS,
    extras_require={"s3": ["boto3"], "dev": ["tox"]},
    tests_require=read_requirements("test.txt"),
)
"""

PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"

[packages]
requests = "*"
Flask_Login = {version = "*"}
local = {path = "./local", editable = true}

[dev-packages]
pytest = "*"
"""

PACKAGE_JSON = """\
{
  "name": "@acme/web",
  "version": "1.0.0",
  "dependencies": {"react": "^18.2.0", "@tanstack/react-query": "^5.0.0",
                   "@acme/ui": "workspace:*", "utils": "file:../utils"},
  "devDependencies": {"typescript": "~5.4.0", "vite": "^5.2.0"},
  "peerDependencies": {"react-dom": ">=18"},
  "optionalDependencies": {"fsevents": "^2.3.0"},
  "scripts": {"build": "vite build"}
}
"""

COMPOSER_JSON = """\
{
  "name": "Acme/Shop",
  "require": {"php": ">=8.1", "ext-json": "*", "laravel/framework": "^10.0",
              "Guzzlehttp/Guzzle": "^7.8", "composer-plugin-api": "^2.0"},
  "require-dev": {"phpunit/phpunit": "^10.5", "acme/shop": "*"}
}
"""

GO_MOD = """\
module github.com/acme/service

go 1.22

require github.com/spf13/cobra v1.8.0

require (
\tgithub.com/gin-gonic/gin v1.9.1
\tgolang.org/x/sync v0.6.0 // pinned for errgroup
\tgithub.com/bytedance/sonic v1.11.0 // indirect
\t"gopkg.in/yaml.v3" v3.0.1
)

replace github.com/acme/shared => ../shared

exclude golang.org/x/net v0.1.0
"""

CARGO_TOML = """\
[package]
name = "cli"
version = "0.1.0"

[dependencies]
serde = { version = "1", features = ["derive"] }
tokio = "1.36"
json = { package = "serde_json", version = "1" }
core = { path = "../core" }
clap.workspace = true

[dev-dependencies]
insta = "1"

[build-dependencies]
cc = "1.0"

[target.'cfg(windows)'.dependencies]
winapi = "0.3"

[workspace.dependencies]
anyhow = "1"
"""

POM_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <groupId>com.acme</groupId>
  <artifactId>shop</artifactId>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-dependencies</artifactId>
        <type>pom</type>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>${project.groupId}</groupId>
      <artifactId>shop-core</artifactId>
    </dependency>
  </dependencies>
  <profiles>
    <profile>
      <dependencies>
        <dependency>
          <groupId>com.h2database</groupId>
          <artifactId>h2</artifactId>
        </dependency>
      </dependencies>
    </profile>
  </profiles>
  <build>
    <plugins>
      <plugin>
        <artifactId>maven-surefire-plugin</artifactId>
        <dependencies>
          <dependency>
            <groupId>org.apache.maven.surefire</groupId>
            <artifactId>surefire-junit-platform</artifactId>
          </dependency>
        </dependencies>
      </plugin>
    </plugins>
  </build>
</project>
"""

BUILD_GRADLE = """\
plugins { id 'java' }

dependencies {
    implementation 'com.google.guava:guava:33.0.0-jre'
    implementation platform('org.springframework.boot:spring-boot-dependencies:3.2.0')
    api "org.apache.commons:commons-lang3:$commonsVersion"
    compileOnly group: 'org.projectlombok', name: 'lombok', version: '1.18.30'
    testImplementation 'org.junit.jupiter:junit-jupiter:5.10.1'
    androidTestImplementation 'androidx.test:runner:1.5.2'
    implementation project(':core')
    implementation libs.okhttp
}
"""

BUILD_GRADLE_KTS = """\
dependencies {
    implementation("io.ktor:ktor-server-core:2.3.7")
    implementation(kotlin("stdlib"))
    testImplementation(group = "io.mockk", name = "mockk", version = "1.13.8")
    kapt("com.google.dagger:dagger-compiler:2.50")
}
"""

VERSION_CATALOG = """\
[versions]
okhttp = "4.12.0"

[libraries]
okhttp = { module = "com.squareup.okhttp3:okhttp", version.ref = "okhttp" }
retrofit = "com.squareup.retrofit2:retrofit:2.9.0"
moshi = { group = "com.squareup.moshi", name = "moshi", version = "1.15.0" }
"""

GEMFILE = """\
source "https://rubygems.org"
ruby "3.3.0"

gem "rails", "~> 7.1"
gem 'pg', '>= 1.1'
gem("puma")
gem "internal", path: "../internal"

group :development, :test do
  gem "rspec-rails"
end

gemspec
"""

GEMSPEC = """\
Gem::Specification.new do |spec|
  spec.name = "mygem"
  spec.add_dependency "thor", "~> 1.3"
  spec.add_runtime_dependency("zeitwerk")
  spec.add_development_dependency "rake"
end
"""

CSPROJ = """\
\ufeff<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Newtonsoft.Json" Version="13.0.3" />
    <PackageReference Include="Serilog.AspNetCore">
      <Version>8.0.0</Version>
    </PackageReference>
    <ProjectReference Include="..\\Core\\Core.csproj" />
  </ItemGroup>
</Project>
"""

OLD_CSPROJ = """\
<?xml version="1.0" encoding="utf-8"?>
<Project ToolsVersion="15.0" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <ItemGroup>
    <PackageReference Include="Dapper" Version="2.1.28" />
  </ItemGroup>
</Project>
"""

PACKAGES_CONFIG = """\
<?xml version="1.0" encoding="utf-8"?>
<packages>
  <package id="EntityFramework" version="6.4.4" targetFramework="net48" />
  <package id="log4net" version="2.0.15" targetFramework="net48" />
</packages>
"""

DIRECTORY_PACKAGES_PROPS = """\
<Project>
  <ItemGroup>
    <PackageVersion Include="xunit" Version="2.6.6" />
    <GlobalPackageReference Include="Nerdbank.GitVersioning" Version="3.6.133" />
  </ItemGroup>
</Project>
"""

DECLARED = [
    ("PyPI", "requirements.txt", REQUIREMENTS_TXT,
     {"django", "djangorestframework", "python-dateutil", "zope-interface", "requests", "pytz",
      "celery", "mypkg"}),
    ("PyPI", "pyproject.toml", PYPROJECT_PEP621,
     {"flask", "pymongo", "gitpython", "pytest", "sphinx", "ruff"}),
    ("PyPI", "pyproject.toml", PYPROJECT_POETRY,
     {"fastapi", "sqlalchemy", "black", "pytest-asyncio"}),
    ("PyPI", "setup.cfg", SETUP_CFG, {"attrs", "importlib-metadata", "pytest", "pyyaml", "rich"}),
    ("PyPI", "setup.py", SETUP_PY, {"click", "jinja2", "boto3", "tox"}),
    ("PyPI", "setup.py", "setup(install_requires=\"six\\nattrs\\n\")", {"six", "attrs"}),
    ("PyPI", "Pipfile", PIPFILE, {"requests", "flask-login", "pytest"}),
    ("npm", "package.json", PACKAGE_JSON,
     {"react", "@tanstack/react-query", "typescript", "vite", "react-dom", "fsevents"}),
    ("Packagist", "composer.json", COMPOSER_JSON,
     {"laravel/framework", "guzzlehttp/guzzle", "phpunit/phpunit"}),
    ("Go", "go.mod", GO_MOD,
     {"github.com/spf13/cobra", "github.com/gin-gonic/gin", "golang.org/x/sync",
      "gopkg.in/yaml.v3"}),
    ("crates.io", "Cargo.toml", CARGO_TOML,
     {"serde", "tokio", "serde_json", "clap", "insta", "cc", "winapi", "anyhow"}),
    ("Maven", "pom.xml", POM_XML,
     {"org.springframework.boot:spring-boot-starter-web", "org.junit.jupiter:junit-jupiter",
      "com.h2database:h2"}),
    ("Gradle", "build.gradle", BUILD_GRADLE,
     {"com.google.guava:guava", "org.springframework.boot:spring-boot-dependencies",
      "org.apache.commons:commons-lang3", "org.projectlombok:lombok",
      "org.junit.jupiter:junit-jupiter", "androidx.test:runner"}),
    ("Gradle", "build.gradle.kts", BUILD_GRADLE_KTS,
     {"io.ktor:ktor-server-core", "io.mockk:mockk", "com.google.dagger:dagger-compiler"}),
    ("Gradle", "gradle/libs.versions.toml", VERSION_CATALOG,
     {"com.squareup.okhttp3:okhttp", "com.squareup.retrofit2:retrofit",
      "com.squareup.moshi:moshi"}),
    ("RubyGems", "Gemfile", GEMFILE, {"rails", "pg", "puma", "rspec-rails"}),
    ("RubyGems", "mygem.gemspec", GEMSPEC, {"thor", "zeitwerk", "rake"}),
    ("NuGet", "Api.csproj", CSPROJ, {"Newtonsoft.Json", "Serilog.AspNetCore"}),
    ("NuGet", "Legacy.csproj", OLD_CSPROJ, {"Dapper"}),
    ("NuGet", "packages.config", PACKAGES_CONFIG, {"EntityFramework", "log4net"}),
    ("NuGet", "Directory.Packages.props", DIRECTORY_PACKAGES_PROPS,
     {"xunit", "Nerdbank.GitVersioning"}),
]


@pytest.mark.parametrize(("ecosystem", "path", "text", "names"), DECLARED,
                         ids=[f"{path}-{n}" for n, (_, path, _, _) in enumerate(DECLARED)])
def test_each_format_declares_its_third_party_packages(
    ecosystem: str, path: str, text: str, names: set[str],
) -> None:
    assert is_manifest(path) == ecosystem
    assert parse_manifest(ecosystem, path, text) == names


@pytest.mark.parametrize(("ecosystem", "path", "text"), [
    ("PyPI", "pyproject.toml", "[project\ndependencies = ["),
    ("PyPI", "pyproject.toml", "project = 3\n[tool]\npoetry = 'x'\n"),
    ("PyPI", "pyproject.toml", "[project]\ndependencies = 'flask'\nname = 7\n"),
    ("PyPI", "setup.cfg", "install_requires = flask\n[options"),
    ("PyPI", "setup.py", "setup(install_requires=['flask'\n"),
    ("PyPI", "setup.py", "setup(install_requires=compute(), extras_require=EXTRAS)\n"),
    ("PyPI", "setup.py", "a\0b"),
    ("PyPI", "Pipfile", "[packages\n"),
    ("npm", "package.json", '{"dependencies": {"react": '),
    ("npm", "package.json", '["not", "an", "object"]'),
    ("npm", "package.json", '{"name": ["odd"], "dependencies": ["react"]}'),
    ("npm", "package.json", "[" * 100_000),
    ("npm", "package.json", ""),
    ("Packagist", "composer.json", '{"require": "laravel/framework"}'),
    ("crates.io", "Cargo.toml", "[dependencies]\nserde = {"),
    ("crates.io", "Cargo.toml", "target = 1\ndependencies = []\n"),
    ("Maven", "pom.xml", "<project><dependencies><dependency>"),
    ("Maven", "pom.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><project>&a;</project>'),
    ("NuGet", "Api.csproj", "<Project><ItemGroup><PackageReference Include="),
    ("NuGet", "packages.config", "\x00\x01binary"),
    ("Gradle", "gradle/libs.versions.toml", "[libraries]\nokhttp = 3\nx = { module = 4 }\n"),
    ("Go", "go.mod", "require (\n"),
    ("RubyGems", "Gemfile", "gem\n"),
])
def test_malformed_manifests_declare_nothing_and_never_raise(
    ecosystem: str, path: str, text: str,
) -> None:
    assert parse_manifest(ecosystem, path, text) == set()


def test_line_oriented_formats_keep_what_they_could_read() -> None:
    text = "flask\n\x00\x01 garbage ((\nrequests\n"
    assert parse_manifest("PyPI", "requirements.txt", text) == {"flask", "requests"}


def test_setup_py_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"open({str(marker)!r}, 'w')\nsetup(install_requires=['flask'])\n"
    assert parse_manifest("PyPI", "setup.py", text) == {"flask"}
    assert not marker.exists()


def test_an_ecosystem_that_does_not_match_the_path_declares_nothing() -> None:
    assert parse_manifest("npm", "requirements.txt", "flask\n") == set()
    assert parse_manifest("PyPI", "README.md", "flask\n") == set()


# --- What a change added ----------------------------------------------------


@pytest.mark.parametrize(("before", "after", "added"), [
    (None, "flask\nrequests\n", {"flask", "requests"}),
    ("flask\n", "flask\nrequests\n", {"requests"}),
    ("flask==2.0\n", "Flask==3.0\n", set()),
    ("flask\nrequests\n", "flask\n", set()),
    ("flask\n", None, set()),
    ("flask\n", "requests\n", {"requests"}),
    ("not [valid toml", "flask\n", {"flask"}),
])
def test_added_packages_reports_only_additions(
    before: str | None, after: str | None, added: set[str],
) -> None:
    assert added_packages("PyPI", "requirements.txt", before, after) == added


def test_a_manifest_that_breaks_does_not_add_what_it_declared_before() -> None:
    before = '{"dependencies": {"react": "^18"}}'
    assert added_packages("npm", "package.json", before, '{"dependencies": ') == set()


# --- Reading blobs from git -------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> RepoBuilder:
    return RepoBuilder(tmp_path / "repo")


@pytest.fixture
def git_processes(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every `git cat-file` command started while the test runs."""
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def counting_popen(args, *rest, **options):  # type: ignore[no-untyped-def]
        if "cat-file" in args:
            started.append(list(args))
        return real_popen(args, *rest, **options)

    monkeypatch.setattr(subprocess, "Popen", counting_popen)
    return started


def git_dir(repo: RepoBuilder) -> Path:
    return repo.path / ".git"


def test_many_blobs_are_read_through_one_git_process(
    repo: RepoBuilder, git_processes: list[list[str]],
) -> None:
    for n in range(20):
        repo.write(f"file{n}.txt", f"content {n}\n")
    sha = repo.commit()
    with BlobReader(git_dir(repo)) as reader:
        contents = [reader.read(f"{sha}:file{n}.txt") for n in range(20)]
        assert reader.read(f"{sha}:absent.txt") is None
        assert reader.read("HEAD:file3.txt") == b"content 3\n"
    assert contents == [f"content {n}\n".encode() for n in range(20)]
    assert len(git_processes) == 1
    assert "core.hooksPath=/dev/null" in git_processes[0]


def test_binary_content_arrives_byte_for_byte(repo: RepoBuilder) -> None:
    binary = bytes(range(256)) * 8 + b"\n\n\0 missing\n"
    repo.write("logo.png", binary)
    repo.write("after.txt", "still in step\n")
    sha = repo.commit()
    with BlobReader(git_dir(repo)) as reader:
        assert reader.read(f"{sha}:logo.png") == binary
        assert reader.read(f"{sha}:after.txt") == b"still in step\n"


@pytest.mark.parametrize("spec", [
    "{sha}:missing.txt",
    "{sha}:dir",
    "0000000000000000000000000000000000000000:a.txt",
    "no-such-branch:a.txt",
    "{sha}:new\nline.txt",
])
def test_missing_objects_directories_and_unaskable_paths_read_as_none(
    repo: RepoBuilder, spec: str,
) -> None:
    repo.write("a.txt", "a\n")
    repo.write("dir/b.txt", "b\n")
    repo.write("new\nline.txt", "c\n")
    sha = repo.commit()
    with BlobReader(git_dir(repo)) as reader:
        assert reader.read(spec.format(sha=sha)) is None
        # The conversation stays in step after a None.
        assert reader.read(f"{sha}:a.txt") == b"a\n"


@pytest.mark.parametrize("name", ["with space.txt", "dir with space/x y.json", "naïve.txt",
                                  "tab\there.txt", " leading.txt"])
def test_unusual_paths_are_read(repo: RepoBuilder, name: str) -> None:
    repo.write(name, "found\n")
    sha = repo.commit()
    with BlobReader(git_dir(repo)) as reader:
        assert reader.read(f"{sha}:{name}") == b"found\n"


def test_blobs_over_the_size_limit_are_skipped_but_consumed(repo: RepoBuilder) -> None:
    repo.write("big.json", "x" * 5000)
    repo.write("small.json", "{}")
    sha = repo.commit()
    with BlobReader(git_dir(repo), max_size=4096) as reader:
        assert reader.read(f"{sha}:big.json") is None
        assert reader.read(f"{sha}:small.json") == b"{}"


def test_a_blob_can_be_read_by_its_sha(repo: RepoBuilder) -> None:
    repo.write("a.txt", "by sha\n")
    repo.commit()
    blob = repo.git("rev-parse", "HEAD:a.txt")
    with BlobReader(git_dir(repo)) as reader:
        assert reader.read(blob) == b"by sha\n"


def test_a_closed_reader_refuses_to_read_and_closes_twice(repo: RepoBuilder) -> None:
    repo.write("a.txt", "a\n")
    repo.commit()
    reader = BlobReader(git_dir(repo))
    reader.close()
    reader.close()
    with pytest.raises(ValueError, match="closed"):
        reader.read("HEAD:a.txt")


# --- Packages added per commit ------------------------------------------------


def test_manifest_changes_yield_what_each_commit_added(
    repo: RepoBuilder, git_processes: list[list[str]],
) -> None:
    repo.write("requirements.txt", "flask==3.0\n")
    repo.write("web/package.json", '{"name": "web", "dependencies": {"react": "^18"}}')
    repo.write("README.md", "requests\n")
    first = repo.commit("start")
    repo.write("requirements.txt", "flask==3.0.2\nrequests>=2.31\nPyYAML\n")
    second = repo.commit("add requests and yaml")
    repo.write("web/package.json", '{"name": "web", "dependencies": {"react": "^18"},'
                                   ' "devDependencies": {"vite": "^5", "web": "*"}}')
    repo.write("requirements.txt", "flask==3.1\nrequests>=2.31\npyyaml\n")
    third = repo.commit("add vite, bump flask")
    (repo.path / "requirements.txt").unlink()
    fourth = repo.commit("drop requirements")

    history = [
        (first, None, ["requirements.txt", "web/package.json", "README.md"]),
        (second, first, ["requirements.txt"]),
        (third, second, ["requirements.txt", "web/package.json"]),
        (fourth, third, ["requirements.txt"]),
    ]
    with BlobReader(git_dir(repo)) as reader:
        found = [(sha, ecosystem, path, added) for sha, parent, paths in history
                 for ecosystem, path, added in packages_added(reader, sha, parent, paths)]
    assert found == [
        (first, "PyPI", "requirements.txt", {"flask"}),
        (first, "npm", "web/package.json", {"react"}),
        (second, "PyPI", "requirements.txt", {"requests", "pyyaml"}),
        (third, "npm", "web/package.json", {"vite"}),
    ]
    assert len(git_processes) == 1


def test_utf16_project_files_are_read(repo: RepoBuilder) -> None:
    repo.write("Api.csproj", CSPROJ.encode("utf-16"))
    sha = repo.commit()
    with BlobReader(git_dir(repo)) as reader:
        assert list(packages_added(reader, sha, None, ["Api.csproj"])) == [
            ("NuGet", "Api.csproj", {"Newtonsoft.Json", "Serilog.AspNetCore"}),
        ]


def test_a_git_failure_is_a_repository_error(tmp_path: Path) -> None:
    with BlobReader(tmp_path / "not-a-repository") as reader, pytest.raises(RepositoryError):
        reader.read("HEAD:requirements.txt")


def test_only_a_root_setup_py_is_a_manifest() -> None:
    assert is_manifest("setup.py") == "PyPI"
    assert is_manifest("numpy/core/setup.py") is None


def test_an_editable_install_of_the_project_in_a_pipfile_is_no_package() -> None:
    pipfile = '[dev-packages]\n"-e ." = "*"\npytest = "*"\n'
    assert parse_manifest("PyPI", "Pipfile", pipfile) == {"pytest"}
