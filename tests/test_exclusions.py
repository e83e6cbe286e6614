"""Which changed files count towards a developer's statistics."""

import pytest

from app.collector.exclusions import (
    ExclusionReason,
    ExclusionRules,
    GitAttributes,
    LinguistOverride,
)


def rules_with(gitattributes: str, folder: str = "") -> ExclusionRules:
    return ExclusionRules(GitAttributes.parse({folder: gitattributes}))


def override(gitattributes: str, path: str, folder: str = "") -> LinguistOverride:
    return GitAttributes.parse({folder: gitattributes}).override(path)


# Built-in rules


@pytest.mark.parametrize(
    "path",
    [
        "node_modules/react/index.js",
        "web/node_modules/react/index.js",
        "vendor/github.com/pkg/errors/errors.go",
        "app/vendors/lib.php",
        "third_party/zlib/inflate.c",
        "third-party/zlib/inflate.c",
        "thirdparty/zlib/inflate.c",
        "bower_components/jquery/jquery.js",
        "jspm_packages/npm/lodash.js",
        "ios/Pods/Alamofire/Source/Alamofire.swift",
        "Carthage/Checkouts/Lib/Lib.swift",
        ".yarn/releases/yarn-4.0.0.cjs",
        "venv/lib/python3.11/site-packages/flask/app.py",
        ".venv/bin/activate",
        "gradlew",
        "android/gradlew.bat",
    ],
)
def test_vendored_folders_anywhere_in_the_path_are_vendored(path):
    assert ExclusionRules().reason(path) is ExclusionReason.VENDORED


def test_node_modules_anywhere_is_vendored():
    assert ExclusionRules().reason("a/b/c/node_modules/x/y.js") is ExclusionReason.VENDORED


def test_external_folder_is_not_vendored():
    assert ExclusionRules().reason("external/stripe/client.py") is None


def test_a_file_named_like_a_vendored_folder_is_not_vendored():
    assert ExclusionRules().reason("scripts/vendor") is None


def test_vendored_folder_names_must_match_a_whole_segment():
    assert ExclusionRules().reason("src/my_vendor/lib.py") is None
    assert ExclusionRules().reason("src/vendored/lib.py") is None


@pytest.mark.parametrize(
    "path",
    [
        "package-lock.json",
        "web/yarn.lock",
        "pnpm-lock.yaml",
        "bun.lockb",
        "poetry.lock",
        "Pipfile.lock",
        "uv.lock",
        "Cargo.lock",
        "go.sum",
        "Gemfile.lock",
        "composer.lock",
        "mix.lock",
        "pubspec.lock",
        "ios/Podfile.lock",
        "flake.lock",
        "gradle.lockfile",
    ],
)
def test_lockfiles_are_excluded_by_exact_name(path):
    assert ExclusionRules().reason(path) is ExclusionReason.LOCKFILE


def test_a_file_merely_ending_in_lock_is_counted():
    assert ExclusionRules().reason("src/mutex.lock") is None


@pytest.mark.parametrize(
    "path",
    ["static/jquery.min.js", "static/app.min.css", "static/lib-min.js", "esm/lib.min.mjs"],
)
def test_minified_files_are_excluded(path):
    assert ExclusionRules().reason(path) is ExclusionReason.MINIFIED


@pytest.mark.parametrize(
    "path",
    [
        "api/service_pb2.py",
        "api/service_pb2_grpc.py",
        "api/service.pb.go",
        "api/service.pb.cc",
        "api/service.pb.h",
        "schema/monster_generated.rs",
        "apis/v1/zz_generated.deepcopy.go",
        "lib/models/user.g.dart",
        "Forms/MainForm.Designer.cs",
        "static/app.js.map",
        "static/app.css.map",
        "action/dist/index.js",
        "src/__generated__/Query.graphql.ts",
        "src/generated/client.ts",
        "src/__snapshots__/App.test.tsx.snap",
    ],
)
def test_generated_files_are_excluded(path):
    assert ExclusionRules().reason(path) is ExclusionReason.GENERATED


def test_build_folder_is_counted_because_it_often_holds_hand_written_scripts():
    assert ExclusionRules().reason("build/release.sh") is None


@pytest.mark.parametrize(
    "path", ["src/app.py", "README.md", "web/src/index.ts", "Dockerfile", "docs/distance.md"]
)
def test_ordinary_source_files_count(path):
    assert ExclusionRules().reason(path) is None


def test_vendored_wins_over_generated_inside_a_vendored_folder():
    assert ExclusionRules().reason("node_modules/lib/dist/lib.min.js") is ExclusionReason.VENDORED


# .gitattributes overrides


def test_gitattributes_can_vendor_a_folder():
    rules = rules_with("deps/** linguist-vendored")
    assert rules.reason("deps/lib/a.c") is ExclusionReason.VENDORED
    assert rules.reason("src/a.c") is None


def test_gitattributes_can_unvendor_a_folder():
    rules = rules_with("vendor/** -linguist-vendored")
    assert rules.reason("vendor/our_fork/lib.go") is None


def test_linguist_vendored_false_unvendors_too():
    rules = rules_with("vendor/** linguist-vendored=false")
    assert rules.reason("vendor/our_fork/lib.go") is None


def test_unvendored_paths_still_obey_the_other_rules():
    rules = rules_with("vendor/** -linguist-vendored")
    assert rules.reason("vendor/lib/jquery.min.js") is ExclusionReason.MINIFIED


def test_gitattributes_can_mark_a_file_generated():
    rules = rules_with("api/openapi.ts linguist-generated")
    assert rules.reason("api/openapi.ts") is ExclusionReason.GENERATED


def test_linguist_generated_true_marks_a_file_generated():
    rules = rules_with("*.gen.ts linguist-generated=true")
    assert rules.reason("src/client.gen.ts") is ExclusionReason.GENERATED


def test_gitattributes_can_mark_a_generated_looking_file_as_hand_written():
    rules = rules_with("dist/** -linguist-generated")
    assert rules.reason("dist/index.js") is None


def test_not_generated_also_keeps_lockfiles():
    rules = rules_with("package-lock.json linguist-generated=false")
    assert rules.reason("package-lock.json") is None


def test_parse_reads_every_gitattributes_file():
    attributes = GitAttributes.parse(
        {"": "*.pb linguist-generated", "web": "*.js linguist-vendored"}
    )
    assert attributes.override("a/b.pb") == LinguistOverride(generated=True)
    assert attributes.override("web/x.js") == LinguistOverride(vendored=True)


def test_other_attributes_are_ignored():
    attributes = GitAttributes.parse({"": "*.png binary\n*.sh text eol=lf"})
    assert attributes.override("logo.png") == LinguistOverride()
    assert attributes.override("run.sh") == LinguistOverride()


def test_comments_and_blank_lines_are_ignored():
    assert override("# *.py linguist-vendored\n\n   \n", "a.py") == LinguistOverride()


def test_a_comment_is_not_a_pattern_even_for_names_starting_with_hash():
    assert override("#*.py linguist-vendored", "#a.py") == LinguistOverride()


def test_macro_definitions_are_not_patterns():
    assert override("[attr]ours -linguist-vendored", "tours") == LinguistOverride()


def test_unmentioned_path_has_no_override():
    assert override("docs/** linguist-vendored", "src/a.py") == LinguistOverride()


# Pattern semantics, as in .gitignore


def test_pattern_without_slash_matches_at_any_depth():
    assert override("*.js linguist-vendored", "a/b/c/lib.js").vendored is True
    assert override("jquery.js linguist-vendored", "static/js/jquery.js").vendored is True


def test_pattern_without_slash_matches_whole_names_only():
    assert override("query.js linguist-vendored", "static/jquery.js").vendored is None


def test_pattern_with_slash_is_anchored_to_the_gitattributes_folder():
    attributes = "lib/*.js linguist-vendored"
    assert override(attributes, "lib/a.js").vendored is True
    assert override(attributes, "src/lib/a.js").vendored is None


def test_leading_slash_anchors_to_the_gitattributes_folder():
    attributes = "/app.js linguist-vendored"
    assert override(attributes, "app.js").vendored is True
    assert override(attributes, "src/app.js").vendored is None


def test_star_does_not_cross_folders():
    assert override("lib/*.js linguist-vendored", "lib/sub/a.js").vendored is None


def test_question_mark_matches_one_character():
    attributes = "v?.js linguist-vendored"
    assert override(attributes, "v1.js").vendored is True
    assert override(attributes, "v10.js").vendored is None


def test_question_mark_does_not_match_a_slash():
    assert override("lib?x linguist-vendored", "lib/x").vendored is None


@pytest.mark.parametrize(
    ("path", "vendored"), [("lib1.js", True), ("lib9.js", True), ("liba.js", None)]
)
def test_bracket_expressions_match_one_character_from_the_set(path, vendored):
    assert override("lib[0-9].js linguist-vendored", path).vendored is vendored


def test_negated_bracket_expressions_match_characters_outside_the_set():
    attributes = "lib[!0-9].js linguist-vendored"
    assert override(attributes, "liba.js").vendored is True
    assert override(attributes, "lib1.js").vendored is None


def test_a_closing_bracket_first_in_a_class_is_a_member():
    attributes = "x[]a].js linguist-vendored"
    assert override(attributes, "x].js").vendored is True
    assert override(attributes, "xa.js").vendored is True


def test_bracket_expressions_never_match_a_slash():
    assert override("lib[!0-9]x linguist-vendored", "lib/x").vendored is None


def test_double_star_folder_matches_everything_inside():
    attributes = "assets/** linguist-vendored"
    assert override(attributes, "assets/a.js").vendored is True
    assert override(attributes, "assets/x/y/z.js").vendored is True
    assert override(attributes, "assets.js").vendored is None


def test_leading_double_star_matches_in_any_folder():
    attributes = "**/fixtures/*.json linguist-generated"
    assert override(attributes, "fixtures/a.json").generated is True
    assert override(attributes, "tests/unit/fixtures/a.json").generated is True


def test_middle_double_star_matches_zero_or_more_folders():
    attributes = "src/**/gen.go linguist-generated"
    assert override(attributes, "src/gen.go").generated is True
    assert override(attributes, "src/a/b/gen.go").generated is True
    assert override(attributes, "lib/src/gen.go").generated is None


def test_many_double_stars_against_a_deep_path_match_without_backtracking():
    # As a regular expression this pattern took half a minute on this path.
    attributes = "/" + "**/a/" * 10 + "x.go linguist-generated"
    deep = "/".join(["a"] * 30)
    assert override(attributes, f"{deep}/y.go").generated is None
    assert override(attributes, f"{deep}/x.go").generated is True


def test_many_stars_in_one_name_match_without_backtracking():
    attributes = "*a*a*a*a*a*a*a*a*a*a*b linguist-generated"
    assert override(attributes, "a" * 200).generated is None
    assert override(attributes, "a" * 200 + "b").generated is True


def test_trailing_slash_pattern_matches_no_file_as_in_git():
    assert override("vendor/ -linguist-vendored", "vendor/lib.go").vendored is None


def test_special_characters_in_patterns_are_literal():
    assert override("a+b.(c) linguist-vendored", "a+b.(c)").vendored is True
    assert override("a+b.(c) linguist-vendored", "aab.(c)").vendored is None


def test_backslash_escapes_a_wildcard():
    attributes = r"\*.js linguist-vendored"
    assert override(attributes, "*.js").vendored is True
    assert override(attributes, "a.js").vendored is None


# Precedence


def test_later_lines_override_earlier_ones():
    attributes = "*.js linguist-vendored\nown.js -linguist-vendored"
    assert override(attributes, "own.js").vendored is False
    assert override(attributes, "lib.js").vendored is True


def test_a_later_line_overrides_only_the_attributes_it_mentions():
    attributes = "*.js linguist-vendored linguist-generated\nown.js -linguist-vendored"
    assert override(attributes, "own.js") == LinguistOverride(vendored=False, generated=True)


def test_earlier_lines_still_set_attributes_later_lines_do_not_mention():
    attributes = "*.js linguist-generated\n*.js linguist-vendored"
    assert override(attributes, "a.js") == LinguistOverride(vendored=True, generated=True)


def test_unset_returns_an_attribute_to_unspecified():
    attributes = "*.js linguist-vendored\nown.js !linguist-vendored"
    assert override(attributes, "own.js").vendored is None


def test_deeper_gitattributes_override_shallower_ones():
    attributes = GitAttributes.parse(
        {"web/lib": "*.js -linguist-vendored", "": "*.js linguist-vendored"}
    )
    assert attributes.override("web/lib/own.js").vendored is False
    assert attributes.override("web/other.js").vendored is True


def test_nested_gitattributes_only_applies_inside_its_folder():
    attributes = GitAttributes.parse({"web": "*.js linguist-vendored"})
    assert attributes.override("web/a/b.js").vendored is True
    assert attributes.override("api/b.js").vendored is None
    assert attributes.override("webapp/b.js").vendored is None


def test_nested_anchored_pattern_is_relative_to_its_folder():
    attributes = GitAttributes.parse({"web": "/static/*.js linguist-vendored"})
    assert attributes.override("web/static/a.js").vendored is True
    assert attributes.override("static/a.js").vendored is None
