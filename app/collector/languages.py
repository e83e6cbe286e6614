"""Name the language of a file from its path, the way GitHub Linguist would.

Only the path is used: the collector sees paths from `git log`, not file contents.
Everything is a dict lookup so classifying a path stays cheap.
"""

import re

OTHER = "Other"

# Extensions by language, grouped by family. Keys are lower case; each extension
# belongs to one language only (checked when the lookup table is built).
_EXTENSIONS_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    # Python and data science
    "Python": (".py", ".pyi", ".pyw"),
    "Cython": (".pyx", ".pxd", ".pxi"),
    "Jupyter Notebook": (".ipynb",),
    "R": (".r",),
    "RMarkdown": (".rmd",),
    "Quarto": (".qmd",),
    "Julia": (".jl",),
    "SAS": (".sas",),
    "Stata": (".do", ".ado"),
    "Wolfram Language": (".wl", ".wls"),
    # JavaScript and friends
    "JavaScript": (".js", ".mjs", ".cjs", ".jsx"),
    "TypeScript": (".ts", ".mts", ".cts", ".tsx"),
    "CoffeeScript": (".coffee",),
    "Vue": (".vue",),
    "Svelte": (".svelte",),
    "Astro": (".astro",),
    "Elm": (".elm",),
    "PureScript": (".purs",),
    "ReScript": (".res", ".resi"),
    "Reason": (".re", ".rei"),
    # JVM
    "Java": (".java",),
    "Kotlin": (".kt", ".kts"),
    "Scala": (".scala", ".sc"),
    "Groovy": (".groovy", ".gvy"),
    "Gradle": (".gradle",),
    "Clojure": (".clj", ".cljs", ".cljc", ".edn"),
    # .NET
    "C#": (".cs", ".csx"),
    "F#": (".fs", ".fsi", ".fsx"),
    "Visual Basic .NET": (".vb",),
    "Razor": (".cshtml", ".razor"),
    # C family and systems
    "C": (".c", ".h"),
    "C++": (".cpp", ".cc", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++", ".ipp", ".tpp", ".inl"),
    # .m is far more often Objective-C than MATLAB on GitHub.
    "Objective-C": (".m",),
    "Objective-C++": (".mm",),
    "CUDA": (".cu", ".cuh"),
    "Go": (".go",),
    "Rust": (".rs",),
    "Zig": (".zig",),
    "Nim": (".nim", ".nims"),
    "D": (".d",),
    "Odin": (".odin",),
    "Mojo": (".mojo",),
    "Crystal": (".cr",),
    "Vala": (".vala",),
    "Assembly": (".asm", ".s", ".nasm"),
    "LLVM": (".ll",),
    "WebAssembly": (".wat", ".wast"),
    "Fortran": (".f", ".for", ".f77", ".f90", ".f95", ".f03", ".f08"),
    "Ada": (".adb", ".ads"),
    "Pascal": (".pas", ".dpr", ".lpr"),
    "COBOL": (".cob", ".cbl", ".cpy"),
    # Hardware description
    "Verilog": (".v", ".vh"),
    "SystemVerilog": (".sv", ".svh"),
    "VHDL": (".vhd", ".vhdl"),
    # Shaders
    "GLSL": (".glsl", ".vert", ".frag", ".geom", ".comp"),
    "HLSL": (".hlsl", ".fx"),
    "WGSL": (".wgsl",),
    "Metal": (".metal",),
    "ShaderLab": (".shader",),
    # Apple and mobile
    "Swift": (".swift",),
    "Dart": (".dart",),
    # Scripting
    "Ruby": (".rb", ".rake", ".gemspec", ".ru"),
    "HTML+ERB": (".erb",),
    "PHP": (".php", ".phtml", ".php3", ".php4", ".php5", ".phps"),
    "Perl": (".pl", ".pm", ".t"),
    "Raku": (".raku", ".rakumod", ".p6", ".pm6"),
    "Lua": (".lua",),
    "Luau": (".luau",),
    "Tcl": (".tcl",),
    "AWK": (".awk",),
    "Haxe": (".hx",),
    "ActionScript": (".as",),
    "GDScript": (".gd",),
    "AutoHotkey": (".ahk",),
    "AppleScript": (".applescript",),
    "Vim Script": (".vim",),
    "Smalltalk": (".st",),
    # Shells
    "Shell": (".sh", ".bash", ".zsh", ".ksh", ".command"),
    "fish": (".fish",),
    "Nushell": (".nu",),
    "PowerShell": (".ps1", ".psm1", ".psd1"),
    "Batchfile": (".bat", ".cmd"),
    # Functional
    "Haskell": (".hs", ".lhs"),
    "OCaml": (".ml", ".mli"),
    "Standard ML": (".sml",),
    "Elixir": (".ex", ".exs"),
    "HTML+EEx": (".eex", ".heex", ".leex"),
    "Erlang": (".erl", ".hrl"),
    "Gleam": (".gleam",),
    "Idris": (".idr",),
    "Agda": (".agda",),
    "Lean": (".lean",),
    # Lisps
    # .cl is Common Lisp more often than OpenCL.
    "Common Lisp": (".lisp", ".lsp", ".cl"),
    "Emacs Lisp": (".el",),
    "Scheme": (".scm", ".ss"),
    "Racket": (".rkt",),
    "Fennel": (".fnl",),
    # Smart contracts
    "Solidity": (".sol",),
    "Vyper": (".vy",),
    "Cairo": (".cairo",),
    # Other languages
    "ABAP": (".abap",),
    "APL": (".apl",),
    "Forth": (".fth", ".4th"),
    "Ballerina": (".bal",),
    "Hack": (".hack",),
    # Databases and query languages
    "SQL": (".sql",),
    "PLSQL": (".pls", ".pkb", ".pks"),
    "GraphQL": (".graphql", ".gql"),
    "Prisma": (".prisma",),
    # Web markup and styles
    "HTML": (".html", ".htm", ".xhtml"),
    "CSS": (".css",),
    "SCSS": (".scss",),
    "Sass": (".sass",),
    "Less": (".less",),
    "Stylus": (".styl",),
    "SVG": (".svg",),
    # Templates
    "Handlebars": (".hbs", ".handlebars"),
    "Mustache": (".mustache",),
    "Pug": (".pug", ".jade"),
    "EJS": (".ejs",),
    "Jinja": (".j2", ".jinja", ".jinja2"),
    "Twig": (".twig",),
    "Liquid": (".liquid",),
    "Haml": (".haml",),
    "Slim": (".slim",),
    # Documentation
    "Markdown": (".md", ".markdown", ".mdown", ".mkd"),
    "MDX": (".mdx",),
    "reStructuredText": (".rst",),
    "AsciiDoc": (".adoc", ".asciidoc"),
    "TeX": (".tex", ".ltx", ".sty", ".cls"),
    "BibTeX": (".bib",),
    "Org": (".org",),
    "Text": (".txt",),
    "Gettext Catalog": (".po", ".pot"),
    # Diagrams
    "Mermaid": (".mmd", ".mermaid"),
    "PlantUML": (".puml", ".plantuml"),
    "Graphviz (DOT)": (".dot", ".gv"),
    # Data and configuration
    "JSON": (".json", ".geojson", ".webmanifest", ".har"),
    "JSON with Comments": (".jsonc",),
    "JSON5": (".json5",),
    "YAML": (".yml", ".yaml"),
    "TOML": (".toml",),
    "XML": (".xml", ".xsd", ".xsl", ".xslt", ".plist", ".csproj", ".fsproj", ".vbproj",
            ".vcxproj", ".props", ".targets", ".resx", ".xaml", ".storyboard", ".xib"),
    "INI": (".ini", ".cfg", ".cnf"),
    "Java Properties": (".properties",),
    "CSV": (".csv",),
    "TSV": (".tsv",),
    "Protocol Buffer": (".proto",),
    "Thrift": (".thrift",),
    "Cap'n Proto": (".capnp",),
    "Diff": (".diff", ".patch"),
    # Infrastructure as code
    "Terraform": (".tf", ".tfvars"),
    "HCL": (".hcl",),
    "Bicep": (".bicep",),
    "Nix": (".nix",),
    "Jsonnet": (".jsonnet", ".libsonnet"),
    "CUE": (".cue",),
    "Puppet": (".pp",),
    "Starlark": (".bzl", ".star"),
    # Build systems
    "CMake": (".cmake",),
    "Makefile": (".mk", ".mak", ".make"),
    "Ninja": (".ninja",),
    "QMake": (".pro", ".pri"),
    "Dockerfile": (".dockerfile", ".containerfile"),
}

# Exact file names, compared in lower case, for files whose extension says
# nothing (or the wrong thing, as with CMakeLists.txt).
_FILENAMES_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "Dockerfile": ("dockerfile", "containerfile"),
    "Makefile": ("makefile", "gnumakefile", "bsdmakefile"),
    "CMake": ("cmakelists.txt",),
    "Meson": ("meson.build", "meson_options.txt"),
    "Just": ("justfile",),
    "Starlark": ("build.bazel", "workspace.bazel", "module.bazel", "tiltfile"),
    "Groovy": ("jenkinsfile",),
    "Ruby": ("gemfile", "rakefile", "vagrantfile", "podfile", "fastfile", "appfile", "guardfile",
             "capfile", "brewfile", "berksfile", "dangerfile", ".irbrc", ".pryrc"),
    "Python": ("sconstruct", "sconscript"),
    "Go Module": ("go.mod",),
    "Go Workspace": ("go.work",),
    "Go Checksums": ("go.sum", "go.work.sum"),
    "TOML": ("pipfile", "cargo.lock", "poetry.lock", "uv.lock", "pdm.lock"),
    "Pip Requirements": ("requirements.txt", "requirements-dev.txt", "constraints.txt"),
    "Shell": (".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".bash_aliases",
              ".zshrc", ".zshenv", ".zprofile", ".zlogin", ".zlogout", ".profile", ".kshrc",
              ".envrc", "pkgbuild"),
    "Vim Script": (".vimrc", ".gvimrc", "_vimrc"),
    "Dotenv": (".env", ".env.example", ".env.sample", ".env.template", ".env.local",
               ".env.development", ".env.production", ".env.test"),
    "Ignore List": (".gitignore", ".dockerignore", ".npmignore", ".eslintignore",
                    ".prettierignore", ".gcloudignore", ".helmignore", ".hgignore"),
    "Git Attributes": (".gitattributes",),
    "Git Config": (".gitconfig", ".gitmodules"),
    "EditorConfig": (".editorconfig",),
    "JSON with Comments": (".babelrc", ".eslintrc", ".jshintrc", ".swcrc"),
    "YAML": (".clang-format", ".clang-tidy", ".yamllint"),
    "ApacheConf": (".htaccess", "httpd.conf"),
    "Nginx": ("nginx.conf",),
    "Procfile": ("procfile",),
    "CODEOWNERS": ("codeowners",),
    "Text": ("license", "licence", "copying", "copyright", "notice", "authors", "contributors",
             "readme", "changelog"),
}

# All-caps names that mean something else in lower case (a `build` script is not Bazel).
_CASE_SENSITIVE_FILENAMES: dict[str, str] = {
    "BUILD": "Starlark",
    "BUCK": "Starlark",
    "WORKSPACE": "Starlark",
    "INSTALL": "Text",
}

# Two-part extensions whose meaning differs from their last part (.blade.php is not PHP).
_COMPOUND_EXTENSIONS: dict[str, str] = {
    ".blade.php": "Blade",
    ".gradle.kts": "Gradle",
    ".cmake.in": "CMake",
    ".tf.json": "Terraform",
}

# GCC's convention: an upper-case .C or .H is C++, while .c and .h are C.
_CASE_SENSITIVE_EXTENSIONS: dict[str, str] = {".C": "C++", ".H": "C++"}

# Names like Dockerfile.prod or Makefile.am: the part before the first separator says it.
_FILENAME_STEMS: dict[str, str] = {
    "dockerfile": "Dockerfile",
    "containerfile": "Dockerfile",
    "makefile": "Makefile",
    "gnumakefile": "Makefile",
    "jenkinsfile": "Groovy",
}
_STEM_SEPARATOR = re.compile(r"[._-]")

# Interpreters named on a #! line, without version suffixes (python3.11 -> python).
_INTERPRETERS_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "Python": ("python", "pypy"),
    "Shell": ("sh", "bash", "zsh", "ksh", "mksh", "dash", "ash"),
    "fish": ("fish",),
    "Nushell": ("nu",),
    "PowerShell": ("pwsh", "powershell"),
    "JavaScript": ("node", "nodejs", "bun"),
    "TypeScript": ("deno", "ts-node", "tsx"),
    "Ruby": ("ruby", "jruby", "truffleruby"),
    "Perl": ("perl",),
    "Raku": ("raku", "perl6", "rakudo"),
    "PHP": ("php",),
    "Lua": ("lua", "luajit"),
    "R": ("rscript",),
    "Julia": ("julia",),
    "Tcl": ("tclsh", "wish", "expect"),
    "AWK": ("awk", "gawk", "mawk", "nawk"),
    "AppleScript": ("osascript",),
    "Groovy": ("groovy",),
    "Scala": ("scala",),
    "Kotlin": ("kotlin",),
    "Swift": ("swift",),
    "Dart": ("dart",),
    "Elixir": ("elixir",),
    "Erlang": ("escript",),
    "Haskell": ("runghc", "runhaskell"),
    "OCaml": ("ocaml",),
    "Scheme": ("guile",),
    "Racket": ("racket",),
    "Common Lisp": ("sbcl", "clisp"),
    "Crystal": ("crystal",),
    "Makefile": ("make",),
}


def _invert(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Turn language -> keys into key -> language, refusing a key claimed twice."""
    inverted: dict[str, str] = {}
    for language, keys in table.items():
        for key in keys:
            if key in inverted:
                raise ValueError(f"{key!r} is claimed by {inverted[key]} and {language}")
            inverted[key] = language
    return inverted


_LANGUAGE_BY_EXTENSION = _invert(_EXTENSIONS_BY_LANGUAGE)
_LANGUAGE_BY_FILENAME = _invert(_FILENAMES_BY_LANGUAGE)
_LANGUAGE_BY_INTERPRETER = _invert(_INTERPRETERS_BY_LANGUAGE)


_KNOWN_LANGUAGES = {name.lower(): name for table in (
    _EXTENSIONS_BY_LANGUAGE, _FILENAMES_BY_LANGUAGE, _INTERPRETERS_BY_LANGUAGE) for name in table}


def language_named(name: str) -> str:
    """A language as .gitattributes names it (`linguist-language=c`, with - for
    spaces as Linguist allows: Common-Lisp), spelled as we spell it when we know
    it, else as written."""
    lowered = name.lower()
    return (_KNOWN_LANGUAGES.get(lowered) or _KNOWN_LANGUAGES.get(lowered.replace("-", " "))
            or name)


class LanguageDetector:
    """Names the language of a path from its file name alone."""

    def detect(self, path: str) -> str:
        """Return the language display name for `path`, or OTHER when unknown.

        Only the last path component matters. Exact file names win over
        extensions, two-part extensions over the last one, and a known stem
        (Dockerfile.prod) is the last resort.
        """
        name = path.rpartition("/")[2]
        lowered = name.lower()
        language = _CASE_SENSITIVE_FILENAMES.get(name) or _LANGUAGE_BY_FILENAME.get(lowered)
        if language:
            return language
        last_dot = name.rfind(".")
        # A leading dot starts a hidden file's name (.bashrc), not an extension.
        if last_dot > 0:
            previous_dot = name.rfind(".", 0, last_dot)
            if previous_dot > 0:
                language = _COMPOUND_EXTENSIONS.get(lowered[previous_dot:])
                if language:
                    return language
            extension = name[last_dot:]
            language = _CASE_SENSITIVE_EXTENSIONS.get(extension) or _LANGUAGE_BY_EXTENSION.get(
                extension.lower()
            )
            if language:
                return language
        stem = _STEM_SEPARATOR.split(lowered, maxsplit=1)[0]
        return _FILENAME_STEMS.get(stem, OTHER)


def language_from_shebang(first_line: bytes) -> str | None:
    """Return the language a `#!` line runs, or None if it names no known interpreter.

    Understands direct paths (`#!/bin/bash`), `env` (`#!/usr/bin/env python3`)
    including its options and variable assignments (`env -S node --flag`),
    and versioned names (`python3.11`).
    """
    if not first_line.startswith(b"#!"):
        return None
    # latin-1 never fails to decode, and interpreter names are plain ASCII.
    words = first_line[2:].decode("latin-1").split()
    if not words:
        return None
    interpreter = words[0].rpartition("/")[2]
    if interpreter == "env":
        arguments = (w for w in words[1:] if not w.startswith("-") and "=" not in w)
        interpreter = next(arguments, "").rpartition("/")[2]
    interpreter = interpreter.lower()
    return _LANGUAGE_BY_INTERPRETER.get(interpreter) or _LANGUAGE_BY_INTERPRETER.get(
        interpreter.rstrip("0123456789.")
    )
