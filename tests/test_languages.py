"""How a file's path names its language."""

import pytest

from app.collector.languages import (
    _LANGUAGE_BY_EXTENSION,
    OTHER,
    LanguageDetector,
    language_from_shebang,
)


@pytest.fixture
def detect():
    return LanguageDetector().detect


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("app/main.py", "Python"),
        ("stubs/types.pyi", "Python"),
        ("web/index.ts", "TypeScript"),
        ("web/App.tsx", "TypeScript"),
        ("web/index.js", "JavaScript"),
        ("web/esm.mjs", "JavaScript"),
        ("cmd/server/main.go", "Go"),
        ("src/lib.rs", "Rust"),
        ("src/Main.java", "Java"),
        ("src/main.kt", "Kotlin"),
        ("src/main.c", "C"),
        ("src/main.cpp", "C++"),
        ("src/main.cc", "C++"),
        ("src/Program.cs", "C#"),
        ("scripts/deploy.sh", "Shell"),
        ("site/index.html", "HTML"),
        ("site/style.css", "CSS"),
        ("site/style.scss", "SCSS"),
        ("docs/guide.md", "Markdown"),
        ("docs/index.rst", "reStructuredText"),
        ("docs/notes.txt", "Text"),
        ("config/app.yml", "YAML"),
        ("config/app.yaml", "YAML"),
        ("package.json", "JSON"),
        ("pyproject.toml", "TOML"),
        ("infra/main.tf", "Terraform"),
        ("db/schema.sql", "SQL"),
        ("analysis.ipynb", "Jupyter Notebook"),
        ("lib/app.rb", "Ruby"),
        ("public/index.php", "PHP"),
        ("App.swift", "Swift"),
        ("lib/main.dart", "Dart"),
        ("lib/app.ex", "Elixir"),
        ("src/Main.hs", "Haskell"),
        ("src/App.vue", "Vue"),
        ("scripts/build.ps1", "PowerShell"),
    ],
)
def test_common_extensions_name_their_language(detect, path, language):
    assert detect(path) == language


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("Dockerfile", "Dockerfile"),
        ("Containerfile", "Dockerfile"),
        ("Makefile", "Makefile"),
        ("GNUmakefile", "Makefile"),
        ("CMakeLists.txt", "CMake"),
        ("Jenkinsfile", "Groovy"),
        ("Gemfile", "Ruby"),
        ("Rakefile", "Ruby"),
        ("Vagrantfile", "Ruby"),
        ("BUILD.bazel", "Starlark"),
        ("BUILD", "Starlark"),
        ("go.mod", "Go Module"),
        ("home/.bashrc", "Shell"),
        ("home/.zshrc", "Shell"),
        (".gitignore", "Ignore List"),
        ("requirements.txt", "Pip Requirements"),
    ],
)
def test_well_known_file_names_name_their_language(detect, path, language):
    assert detect(path) == language


def test_exact_file_name_wins_over_its_extension(detect):
    assert detect("CMakeLists.txt") == "CMake"
    assert detect("notes.txt") == "Text"


def test_file_names_ignore_case(detect):
    assert detect("dockerfile") == "Dockerfile"
    assert detect("makefile") == "Makefile"


def test_all_caps_bazel_name_does_not_claim_a_lower_case_build_script(detect):
    assert detect("BUILD") == "Starlark"
    assert detect("scripts/build") == OTHER


@pytest.mark.parametrize(
    "path", ["Dockerfile.prod", "docker/Dockerfile-dev", "Containerfile.ci", "api.dockerfile"]
)
def test_dockerfile_variants_are_dockerfiles(detect, path):
    assert detect(path) == "Dockerfile"


def test_makefile_variants_are_makefiles(detect):
    assert detect("Makefile.am") == "Makefile"


def test_a_known_extension_beats_a_dockerfile_like_stem(detect):
    assert detect("Makefile.toml") == "TOML"


def test_d_ts_files_are_typescript(detect):
    assert detect("types/index.d.ts") == "TypeScript"


def test_blade_templates_are_not_plain_php(detect):
    assert detect("resources/views/welcome.blade.php") == "Blade"


@pytest.mark.parametrize(
    ("path", "language"),
    [("SRC/MAIN.PY", "Python"), ("README.MD", "Markdown"), ("Photo.JSON", "JSON")],
)
def test_extensions_ignore_case(detect, path, language):
    assert detect(path) == language


def test_upper_case_c_is_cpp_and_lower_case_c_is_c(detect):
    assert detect("src/widget.C") == "C++"
    assert detect("src/widget.c") == "C"


def test_h_headers_are_c(detect):
    assert detect("include/widget.h") == "C"


def test_only_the_last_path_component_counts(detect):
    assert detect("Dockerfile.d/settings.py") == "Python"
    assert detect("src.py/readme") == "Text"


def test_hidden_files_with_an_extension_use_it(detect):
    assert detect(".eslintrc.json") == "JSON"
    assert detect("web/.prettierrc.yaml") == "YAML"


def test_unknown_extension_is_other(detect):
    assert detect("data/archive.xyz123") == OTHER


def test_file_without_extension_is_other(detect):
    assert detect("bin/run") == OTHER


def test_at_least_a_hundred_languages_are_known():
    assert len(set(_LANGUAGE_BY_EXTENSION.values())) >= 100


@pytest.mark.parametrize(
    ("line", "language"),
    [
        (b"#!/usr/bin/python\n", "Python"),
        (b"#!/usr/bin/env python3\n", "Python"),
        (b"#!/usr/bin/env python3.11\n", "Python"),
        (b"#!/bin/bash\n", "Shell"),
        (b"#!/bin/sh -e\n", "Shell"),
        (b"#! /bin/zsh\r\n", "Shell"),
        (b"#!/usr/bin/env node\n", "JavaScript"),
        (b"#!/usr/bin/env -S node --experimental-modules\n", "JavaScript"),
        (b"#!/usr/bin/env -S deno run --allow-net\n", "TypeScript"),
        (b"#!/usr/bin/env LANG=C ruby\n", "Ruby"),
        (b"#!/usr/bin/perl -w\n", "Perl"),
        (b"#!/usr/bin/env perl6\n", "Raku"),
        (b"#!/usr/bin/php\n", "PHP"),
        (b"#!/usr/bin/env Rscript\n", "R"),
    ],
)
def test_shebang_names_the_interpreters_language(line, language):
    assert language_from_shebang(line) == language


@pytest.mark.parametrize(
    "line",
    [
        b"import os\n",
        b"#!/usr/bin/env\n",
        b"#!\n",
        b"#!/usr/bin/unknown-interpreter\n",
        b"# !/bin/bash\n",
    ],
)
def test_shebang_without_known_interpreter_is_none(line):
    assert language_from_shebang(line) is None
