"""Collecting a repository for one person: identity, exclusions, increments, failures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.collector.collect import CollectionRequest, collect
from app.collector.errors import RepositoryError
from app.collector.memory_sink import MemorySink
from app.collector.mirror import Mirror
from app.collector.repository import GitRepository
from app.statistics.model import Role
from app.statistics.summary import Summary, summarize
from tests.gitrepos import RepoBuilder

ME = "me@example.com"


@pytest.fixture
def repo(tmp_path: Path) -> RepoBuilder:
    return RepoBuilder(tmp_path / "repo")


def run(repo: RepoBuilder | Path, *emails: str, sink: MemorySink | None = None,
        **options) -> tuple[Summary, MemorySink]:
    sink = sink or MemorySink()
    path = repo.path if isinstance(repo, RepoBuilder) else repo
    request = CollectionRequest(emails=frozenset(emails or (ME,)), **options)
    collect(GitRepository(path), request, sink)
    return summarize(sink.commits.values()), sink


def test_only_commits_by_my_emails_count_whatever_their_case(repo: RepoBuilder) -> None:
    repo.lines("mine.py", 10)
    repo.commit(email="Me@Example.COM")
    repo.lines("theirs.py", 7)
    repo.commit(email="someone@example.com")
    repo.lines("also-mine.py", 3)
    repo.commit(email="other-me@example.org")
    summary, _ = run(repo, ME, "OTHER-me@example.org")
    assert (summary.commits, summary.lines_added) == (2, 13)


def test_email_is_matched_exactly_not_as_a_substring(repo: RepoBuilder) -> None:
    repo.lines("a.py", 5)
    repo.commit(email="notme@example.com")
    repo.lines("b.py", 5)
    repo.commit(email="me@example.com.evil")
    summary, _ = run(repo)
    assert summary.commits == 0


def test_mailmap_maps_old_addresses_to_me(repo: RepoBuilder) -> None:
    repo.lines("old.py", 4)
    repo.commit(email="me@old-job.example")
    repo.write(".mailmap", f"Me <{ME}> <me@old-job.example>\n")
    repo.commit(email=ME)
    summary, _ = run(repo)
    assert summary.commits == 2
    assert summary.languages["Python"].lines_added == 4


def test_the_progress_total_counts_the_commits_that_mailmap_credits_to_me(
    repo: RepoBuilder
) -> None:
    repo.lines("old.py", 4)
    repo.commit(email="me@old-job.example")
    repo.write(".mailmap", f"Me <{ME}> <me@old-job.example>\n")
    repo.commit(email=ME)
    assert GitRepository(repo.path).count_commits(["HEAD"], [f"--author=<{ME}>"]) == 2


def test_my_old_address_also_finds_commits_that_mailmap_renamed(repo: RepoBuilder) -> None:
    repo.lines("old.py", 4)
    repo.commit(email="me@old-job.example")
    repo.write(".mailmap", f"Me <{ME}> <me@old-job.example>\n")
    repo.commit(email="someone@example.com")
    summary, _ = run(repo, "me@old-job.example")
    assert summary.commits == 1


def test_coauthored_commits_are_credited_apart_from_my_own_lines(repo: RepoBuilder) -> None:
    repo.lines("mine.py", 10)
    repo.commit(email=ME)
    repo.lines("paired.py", 6)
    repo.commit(f"feat: pairing\n\nCo-authored-by: Me <{ME.upper()}>", email="pair@example.com")
    repo.lines("mentioned.py", 4)
    repo.commit(f"docs: thanks {ME}", email="pair@example.com")
    summary, sink = run(repo)
    assert (summary.commits, summary.lines_added) == (1, 10)
    assert (summary.coauthored_commits, summary.coauthored_lines_added) == (1, 6)
    assert sorted(s.role for s in sink.commits.values()) == [Role.AUTHOR, Role.COAUTHOR]


def test_my_own_commit_naming_me_as_coauthor_counts_once_as_mine(repo: RepoBuilder) -> None:
    repo.lines("a.py", 3)
    repo.commit(f"x\n\nCo-authored-by: Me <{ME}>", email=ME)
    summary, _ = run(repo)
    assert (summary.commits, summary.coauthored_commits) == (1, 0)


def test_merges_count_as_merges_without_lines(repo: RepoBuilder) -> None:
    repo.lines("a.py", 2)
    repo.commit(email=ME)
    repo.git("checkout", "--quiet", "-b", "feature")
    repo.lines("b.py", 5)
    repo.commit(email=ME)
    repo.git("checkout", "--quiet", "main")
    repo.lines("c.py", 1)
    repo.commit(email=ME)
    repo.git("merge", "--quiet", "--no-ff", "-m", "merge", "feature",
             env={"GIT_AUTHOR_EMAIL": ME, "GIT_COMMITTER_EMAIL": ME})
    summary, _ = run(repo)
    assert (summary.commits, summary.merges, summary.lines_added) == (3, 1, 8)


def test_a_commit_on_several_branches_counts_once(repo: RepoBuilder) -> None:
    repo.lines("a.py", 2)
    repo.commit(email=ME)
    repo.git("branch", "release")
    repo.git("checkout", "--quiet", "-b", "feature")
    repo.lines("b.py", 3)
    repo.commit(email=ME)
    repo.git("checkout", "--quiet", "main")
    default_only, _ = run(repo)
    with_branches, _ = run(repo, branches=("feature", "release"))
    assert default_only.commits == 1
    assert (with_branches.commits, with_branches.lines_added) == (2, 5)


def test_missing_branch_is_reported_not_fatal(repo: RepoBuilder) -> None:
    repo.lines("a.py", 2)
    repo.commit(email=ME)
    outcome = collect(GitRepository(repo.path),
                      CollectionRequest(emails=frozenset([ME]), branches=("gone",)), MemorySink())
    assert outcome.branches_missing == ["gone"]
    assert outcome.commits_seen == 1


@pytest.mark.parametrize(("path", "reason"), [
    ("node_modules/lib/index.js", "vendored"),
    ("src/vendor/dep.go", "vendored"),
    ("package-lock.json", "lockfile"),
    ("poetry.lock", "lockfile"),
    ("static/app.min.js", "minified"),
    ("api/service_pb2.py", "generated"),
    ("dist/bundle.js", "generated"),
])
def test_excluded_files_are_recorded_with_their_reason(
    repo: RepoBuilder, path: str, reason: str
) -> None:
    repo.lines("app.py", 2)
    repo.lines(path, 40)
    repo.commit(email=ME)
    summary, _ = run(repo)
    assert summary.lines_added == 2
    assert summary.excluded[reason].added == 40


def test_gitattributes_can_mark_and_unmark_vendored_and_generated(repo: RepoBuilder) -> None:
    repo.write(".gitattributes", "vendor/** -linguist-vendored\nschema/*.py linguist-generated\n")
    repo.lines("vendor/ours.py", 5)
    repo.lines("schema/model.py", 30)
    repo.commit(email=ME)
    summary, _ = run(repo)
    assert summary.languages["Python"].lines_added == 5
    assert summary.excluded["generated"].added == 30


def test_gitattributes_can_name_the_language_of_files(repo: RepoBuilder) -> None:
    repo.write(".gitattributes",
               "*.c.src linguist-language=c\n*.tmpl linguist-language=Objective-C\n"
               "legacy/*.c.src -linguist-language\n")
    repo.lines("core/loops.c.src", 12)
    repo.lines("legacy/old.c.src", 3)
    repo.lines("ui/view.tmpl", 4)
    repo.commit(email=ME)
    summary, _ = run(repo)
    assert summary.languages["C"].lines_added == 12
    assert summary.languages["Objective-C"].lines_added == 4
    assert summary.languages["Other"].lines_added == 3


def test_a_huge_commit_is_flagged_as_an_outlier_not_counted(repo: RepoBuilder) -> None:
    repo.lines("small.py", 10)
    repo.commit(email=ME)
    repo.lines("imported.py", 600)
    repo.commit(email=ME)
    summary, _ = run(repo, outlier_lines=500)
    assert (summary.commits, summary.lines_added, summary.outlier_commits) == (2, 10, 1)
    assert summary.excluded["outlier"].added == 600


def test_binary_files_count_as_changed_without_lines(repo: RepoBuilder) -> None:
    repo.write("logo.png", bytes(range(256)))
    repo.commit(email=ME)
    summary, sink = run(repo)
    [stats] = sink.commits.values()
    assert (summary.commits, summary.lines_added, stats.files_changed) == (1, 0, 1)


def test_second_collection_of_an_unchanged_repository_reads_no_log(
    repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.lines("a.py", 3)
    repo.commit(email=ME)
    sink = MemorySink()
    first = collect(GitRepository(repo.path), CollectionRequest(emails=frozenset([ME])), sink)

    def no_log(*args, **kwargs):
        raise AssertionError("git log must not run")

    monkeypatch.setattr(GitRepository, "commits", no_log)
    again = collect(GitRepository(repo.path),
                    CollectionRequest(emails=frozenset([ME]), previous_tips=first.tips), sink)
    assert (again.incremental, again.commits_seen, len(sink.commits)) == (True, 0, 1)


def test_incremental_collection_reads_only_new_commits(repo: RepoBuilder) -> None:
    repo.lines("a.py", 3)
    repo.commit(email=ME)
    sink = MemorySink()
    first = collect(GitRepository(repo.path), CollectionRequest(emails=frozenset([ME])), sink)
    repo.lines("b.py", 4)
    repo.commit(email=ME)
    again = collect(GitRepository(repo.path),
                    CollectionRequest(emails=frozenset([ME]), previous_tips=first.tips), sink)
    assert (again.incremental, again.commits_seen) == (True, 1)
    assert summarize(sink.commits.values()).lines_added == 7


def test_force_pushed_away_commits_drop_out(repo: RepoBuilder) -> None:
    repo.lines("a.py", 3)
    base = repo.commit(email=ME)
    repo.lines("b.py", 100)
    repo.commit(email=ME)
    sink = MemorySink()
    first = collect(GitRepository(repo.path), CollectionRequest(emails=frozenset([ME])), sink)
    repo.git("reset", "--hard", "--quiet", base)
    repo.lines("c.py", 5)
    repo.commit(email=ME)
    again = collect(GitRepository(repo.path),
                    CollectionRequest(emails=frozenset([ME]), previous_tips=first.tips), sink)
    summary = summarize(sink.commits.values())
    assert again.commits_dropped == 1
    assert (summary.commits, summary.lines_added) == (2, 8)


def test_old_tip_gone_from_the_repository_means_a_full_collection(repo: RepoBuilder) -> None:
    repo.lines("a.py", 3)
    repo.commit(email=ME)
    sink = MemorySink()
    outcome = collect(GitRepository(repo.path),
                      CollectionRequest(emails=frozenset([ME]),
                                        previous_tips={"main": "f" * 40}), sink)
    assert (outcome.incremental, len(sink.commits)) == (False, 1)


def test_empty_repository_collects_nothing_and_misses_no_branch(repo: RepoBuilder) -> None:
    outcome = collect(GitRepository(repo.path), CollectionRequest(emails=frozenset([ME])),
                      MemorySink())
    assert (outcome.commits_seen, outcome.tips, outcome.branches_missing) == (0, {}, [])


def test_a_path_that_is_not_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RepositoryError) as raised:
        GitRepository(tmp_path)
    assert raised.value.code == "not_a_repository"
    assert "not a git repository" in raised.value.message


def test_missing_objects_fail_the_collection_instead_of_storing_partial_results(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    repo.lines("a.py", 3)
    repo.commit(email=ME)
    repo.lines("a.py", 5)
    repo.commit(email=ME)
    mirror = Mirror(str(repo.path), tmp_path / "mirror.git").update()
    blob = repo.git("rev-parse", "HEAD~1:a.py")
    (mirror.path / "objects" / blob[:2] / blob[2:]).unlink()
    with pytest.raises(RepositoryError) as raised:
        run(mirror.path)
    assert raised.value.code == "missing_objects"


def test_vanished_remote_is_reported_and_the_mirror_is_kept(repo: RepoBuilder,
                                                            tmp_path: Path) -> None:
    repo.lines("a.py", 3)
    repo.commit(email=ME)
    mirror = Mirror(str(repo.path), tmp_path / "mirror.git")
    mirror.update()
    shutil.rmtree(repo.path)
    with pytest.raises(RepositoryError) as raised:
        mirror.update()
    assert raised.value.code == "remote_gone"
    assert (tmp_path / "mirror.git").exists()


def test_a_larger_generated_history_matches_git_numstat(repo: RepoBuilder) -> None:
    languages = ["a.py", "b.js", "c.go", "d.rs", "README.md"]
    for n in range(300):
        author = ME if n % 3 else "other@example.com"
        repo.lines(f"src/{n % 7}/{languages[n % 5]}", 5 + n % 11, prefix=f"v{n}")
        repo.commit(email=author)
    summary, _ = run(repo)
    numstat = repo.git("log", "--numstat", "--format=", f"--author=<{ME}>", "--no-merges")
    added = sum(int(line.split("\t")[0]) for line in numstat.splitlines() if line)
    removed = sum(int(line.split("\t")[1]) for line in numstat.splitlines() if line)
    assert (summary.commits, summary.lines_added, summary.lines_removed) == (200, added, removed)


def test_packages_added_to_manifests_are_recorded_with_when_first_added(
    repo: RepoBuilder
) -> None:
    repo.write("requirements.txt", "flask==3.0\n")
    first = repo.commit(email=ME, when=1_700_000_000)
    repo.write("requirements.txt", "flask==3.1\nrequests>=2\n")
    repo.commit(email=ME, when=1_700_100_000)
    repo.write("web/package.json", '{"name": "web", "dependencies": {"htmx.org": "2.0.0"}}')
    repo.commit(email="someone@example.com", when=1_700_200_000)
    summary, _ = run(repo)
    assert summary.packages == {("PyPI", "flask"): 1_700_000_000,
                                ("PyPI", "requests"): 1_700_100_000}
    assert first


def test_a_date_range_shows_the_packages_first_adopted_in_it(repo: RepoBuilder) -> None:
    repo.write("requirements.txt", "flask==3.0\n")
    repo.commit(email=ME, when=1_700_000_000)
    repo.write("requirements.txt", "flask==3.0\nrequests>=2\n")
    repo.commit(email=ME, when=1_700_000_000 + 8 * 7 * 86400)
    summary, _ = run(repo)
    later = list(summary.weeks)[-1]
    assert summary.between(later, None).packages == {
        ("PyPI", "requests"): 1_700_000_000 + 8 * 7 * 86400}


def test_infrastructure_work_and_commit_types_are_counted(repo: RepoBuilder) -> None:
    repo.write("Dockerfile", "FROM python:3.11\n")
    repo.write(".github/workflows/ci.yml", "on: push\n")
    repo.commit("ci: build image", email=ME)
    repo.write("Dockerfile", "FROM python:3.12\n")
    repo.commit("fix(docker): newer python", email=ME)
    repo.lines("app.py", 3)
    repo.commit("feat: app", email=ME)
    summary, _ = run(repo)
    assert summary.infrastructure == {"Docker": 2, "GitHub Actions": 1}
    assert summary.kinds == {"ci": 1, "fix": 1, "feat": 1}


def test_a_date_range_selects_whole_weeks_and_recounts_everything(repo: RepoBuilder) -> None:
    for week in range(6):
        repo.lines(f"f{week}.py", 10 + week)
        repo.commit(email=ME, when=1_700_000_000 + week * 7 * 86400)
    summary, _ = run(repo)
    weeks = list(summary.weeks)
    middle = summary.between(weeks[1], weeks[3])
    assert (middle.commits, middle.lines_added) == (3, 11 + 12 + 13)
    assert middle.first_commit == 1_700_000_000 + 7 * 86400
    assert summary.commits == 6


def test_a_script_without_an_extension_gets_its_language_from_the_shebang(
    repo: RepoBuilder
) -> None:
    repo.write("bin/deploy", "#!/usr/bin/env bash\necho deploying\n")
    repo.write("bin/report", "#!/usr/bin/python3\nprint('report')\n")
    repo.write("NOTES", "just notes\n")
    repo.commit(email=ME)
    summary, _ = run(repo)
    assert {name: t.lines_added for name, t in summary.languages.items()} == {
        "Shell": 2, "Python": 2, "Other": 1}
