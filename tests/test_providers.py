"""Specifications for the git provider clients, run against local API stand-ins."""

from __future__ import annotations

import base64
import socket
import time
import traceback
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

from app.providers import (
    AzureDevOps,
    GitHub,
    GitLab,
    MissingScope,
    ProviderError,
    ProviderUnavailable,
    TokenRejected,
    make_provider,
)
from tests.standins import azure as azure_standin
from tests.standins import github as github_standin
from tests.standins import gitlab as gitlab_standin
from tests.standins import serve

E = TypeVar("E", bound=ProviderError)


def raised(kind: type[E], call: Callable[[], object], token: str) -> E:
    """Run `call`, expect `kind`, and check the token is nowhere in the error."""
    with pytest.raises(kind) as caught:
        result = call()
        if isinstance(result, Iterator):
            list(result)
    error = caught.value
    chain = "".join(traceback.format_exception(error))
    for text in (str(error), repr(error), error.message, repr(error.args), chain):
        assert token not in text
    return error


def decode_basic(header: str) -> str:
    scheme, _, encoded = header.partition(" ")
    assert scheme == "Basic"
    return base64.b64decode(encoded).decode()


# GitHub


@pytest.fixture
def github_state() -> github_standin.GitHubState:
    return github_standin.GitHubState()


@pytest.fixture
def github(github_state: github_standin.GitHubState) -> Iterator[GitHub]:
    with serve(github_standin.create_app(github_state)) as base_url:
        yield GitHub(api_url=base_url, timeout=2)


def test_github_verify_reports_account_scopes_and_expiry(github, github_state):
    info = github.verify(github_state.token)

    assert info.account == "octocat"
    assert info.display_name == "The Octocat"
    assert info.scopes == ["repo", "read:user"]
    assert info.expires_at == "2031-05-01"


def test_github_fine_grained_token_passes_by_listing_repositories(github, github_state):
    github_state.scopes = None
    github_state.expiration = None

    info = github.verify(github_state.token)

    assert info.scopes is None
    assert info.expires_at is None
    assert github_state.seen[-1]["path"] == "/user/repos"


def test_github_lists_every_page_most_recently_pushed_first(github, github_state):
    repositories = list(github.repositories(github_state.token))

    assert len(repositories) == 250
    assert [r.full_name for r in repositories[:2]] == ["octo-org/project-000",
                                                       "octocat/project-001"]
    assert repositories[-1].full_name == "octo-org/project-249"
    listing_calls = [seen for seen in github_state.seen if seen["path"] == "/user/repos"]
    assert len(listing_calls) == 3
    assert "affiliation=owner%2Ccollaborator%2Corganization_member" in listing_calls[0]["query"]
    assert "sort=pushed" in listing_calls[0]["query"]
    assert all(seen["user_agent"] == "commitstats" for seen in github_state.seen)


def test_github_repository_fields_are_mapped(github, github_state):
    first = next(iter(github.repositories(github_state.token)))

    assert first.owner == "octo-org"
    assert first.clone_url == "https://github.com/octo-org/project-000.git"
    assert first.web_url == "https://github.com/octo-org/project-000"
    assert first.private is False
    assert first.default_branch == "trunk"
    assert first.last_activity == "2024-12-28T10:00:00Z"


def test_github_wrong_token_is_rejected(github):
    token = "ghp_wrong_token_never_shown"

    error = raised(TokenRejected, lambda: github.verify(token), token)
    raised(TokenRejected, lambda: github.repositories(token), token)

    assert error.message == "the token was rejected: check it or create a new one"


def test_github_classic_token_without_repo_scope_is_missing_repo(github, github_state):
    github_state.scopes = ["read:user"]

    error = raised(MissingScope, lambda: github.verify(github_state.token), github_state.token)

    assert error.scope == "repo"
    assert "repo" in error.message


def test_github_rate_limit_waits_until_the_reset(github, github_state):
    github_state.failure = "rate_limit"
    github_state.rate_limit_reset = int(time.time()) + 120

    error = raised(ProviderUnavailable, lambda: github.verify(github_state.token),
                   github_state.token)

    assert error.retry_after is not None
    assert 110 <= error.retry_after <= 120


def test_github_secondary_rate_limit_honours_retry_after(github, github_state):
    github_state.failure = "secondary_rate_limit"

    error = raised(ProviderUnavailable, lambda: github.repositories(github_state.token),
                   github_state.token)

    assert error.retry_after == 60


def test_github_bad_gateway_is_unavailable(github, github_state):
    github_state.failure = "502"

    error = raised(ProviderUnavailable, lambda: github.verify(github_state.token),
                   github_state.token)

    assert error.retry_after is None


def test_github_slow_answer_times_out_as_unavailable(github_state):
    github_state.failure = "slow"
    with serve(github_standin.create_app(github_state)) as base_url:
        client = GitHub(api_url=base_url, timeout=0.2)
        raised(ProviderUnavailable, lambda: client.verify(github_state.token), github_state.token)


def test_github_enterprise_api_url_is_used(github_state):
    github_state.web_host = "ghe.example.com"
    with serve(github_standin.create_app(github_state, prefix="/api/v3")) as base_url:
        client = GitHub(api_url=f"{base_url}/api/v3", web_host="ghe.example.com")

        info = client.verify(github_state.token)
        repositories = list(client.repositories(github_state.token))

    assert info.account == "octocat"
    assert len(repositories) == 250
    assert repositories[0].clone_url.startswith("https://ghe.example.com/")
    assert client.allowed_hosts() == {"ghe.example.com"}


def test_github_web_host_follows_the_api_host():
    assert GitHub().allowed_hosts() == {"github.com"}
    assert GitHub(api_url="https://ghe.example.com/api/v3").allowed_hosts() == {"ghe.example.com"}


def test_github_git_auth_header_uses_x_access_token():
    header = GitHub().git_auth_header("ghp_abc")

    assert decode_basic(header) == "x-access-token:ghp_abc"


# GitLab


@pytest.fixture
def gitlab_state() -> gitlab_standin.GitLabState:
    return gitlab_standin.GitLabState()


@pytest.fixture
def gitlab(gitlab_state: gitlab_standin.GitLabState) -> Iterator[GitLab]:
    with serve(gitlab_standin.create_app(gitlab_state)) as base_url:
        yield GitLab(base_url=base_url, timeout=2)


def test_gitlab_verify_reports_account_scopes_and_expiry(gitlab, gitlab_state):
    info = gitlab.verify(gitlab_state.token)

    assert info.account == "jdoe"
    assert info.display_name == "Jane Doe"
    assert info.scopes == ["read_api", "read_repository"]
    assert info.expires_at == "2031-03-31"


def test_gitlab_api_scope_covers_listing_and_cloning(gitlab, gitlab_state):
    gitlab_state.scopes = ["api"]

    assert gitlab.verify(gitlab_state.token).scopes == ["api"]


def test_gitlab_lists_every_page_in_order_with_visibility(gitlab, gitlab_state):
    repositories = list(gitlab.repositories(gitlab_state.token))

    assert len(repositories) == 250
    assert [r.full_name for r in repositories[:2]] == ["acme/platform/service-000",
                                                       "jdoe/service-001"]
    assert repositories[-1].full_name == "jdoe/service-249"
    first, second, third = repositories[:3]
    assert (first.private, second.private, third.private) == (True, True, False)
    assert first.owner == "acme/platform"
    assert first.clone_url == "https://gitlab.com/acme/platform/service-000.git"
    assert first.web_url == "https://gitlab.com/acme/platform/service-000"
    assert first.default_branch == "main"
    assert first.last_activity == "2024-06-28T08:00:00.000Z"
    listing_calls = [seen for seen in gitlab_state.seen if seen["path"] == "/api/v4/projects"]
    assert len(listing_calls) == 3
    assert "membership=true" in listing_calls[0]["query"]
    assert "order_by=last_activity_at" in listing_calls[0]["query"]
    # The simple view omits `visibility`, so every project would look private.
    assert "simple" not in listing_calls[0]["query"]


def test_gitlab_wrong_token_is_rejected(gitlab):
    token = "glpat-wrong-never-shown"

    raised(TokenRejected, lambda: gitlab.verify(token), token)
    raised(TokenRejected, lambda: gitlab.repositories(token), token)


def test_gitlab_token_without_repository_scope_names_it(gitlab, gitlab_state):
    gitlab_state.scopes = ["read_api"]

    error = raised(MissingScope, lambda: gitlab.verify(gitlab_state.token), gitlab_state.token)

    assert error.scope == "read_repository"


def test_gitlab_token_with_only_read_user_names_both_scopes(gitlab, gitlab_state):
    gitlab_state.scopes = ["read_user"]

    error = raised(MissingScope, lambda: gitlab.verify(gitlab_state.token), gitlab_state.token)

    assert error.scope == "read_api and read_repository"


def test_gitlab_listing_refused_for_scope_is_missing_scope(gitlab, gitlab_state):
    gitlab_state.scopes = ["read_user"]

    error = raised(MissingScope, lambda: gitlab.repositories(gitlab_state.token),
                   gitlab_state.token)

    assert error.scope == "read_api"


def test_gitlab_rate_limit_honours_retry_after(gitlab, gitlab_state):
    gitlab_state.failure = "rate_limit"

    error = raised(ProviderUnavailable, lambda: gitlab.repositories(gitlab_state.token),
                   gitlab_state.token)

    assert error.retry_after == 42


def test_gitlab_bad_gateway_is_unavailable(gitlab, gitlab_state):
    gitlab_state.failure = "502"

    raised(ProviderUnavailable, lambda: gitlab.verify(gitlab_state.token), gitlab_state.token)


def test_gitlab_git_auth_header_uses_oauth2_user():
    assert decode_basic(GitLab().git_auth_header("glpat-abc")) == "oauth2:glpat-abc"
    assert GitLab("https://git.example.org/").allowed_hosts() == {"git.example.org"}


# Azure DevOps


@pytest.fixture
def azure_state() -> azure_standin.AzureState:
    return azure_standin.AzureState()


@pytest.fixture
def azure(azure_state: azure_standin.AzureState) -> Iterator[AzureDevOps]:
    with serve(azure_standin.create_app(azure_state)) as base_url:
        yield AzureDevOps(
            "fabrikam",
            base_url=base_url,
            profile_url=f"{base_url}/_apis/profile/profiles/me",
            timeout=2,
        )


def test_azure_verify_reports_the_profile(azure, azure_state):
    info = azure.verify(azure_state.token)

    assert info.account == "jamal@fabrikam.example"
    assert info.display_name == "Jamal Hartnett"
    assert info.scopes is None
    assert info.expires_at is None


def test_azure_token_for_one_organization_is_verified_there(azure, azure_state):
    azure_state.token_reach = "organization"

    info = azure.verify(azure_state.token)

    assert info.account == "jamal@fabrikam.example"
    assert any(seen["path"] == "/fabrikam/_apis/connectionData" for seen in azure_state.seen)


def test_azure_lists_every_page_through_continuation_tokens(azure, azure_state):
    repositories = list(azure.repositories(azure_state.token))

    # 250 repositories, one of them disabled.
    assert len(repositories) == 249
    assert repositories[0].full_name == "Fabrikam Fiber/repo-000"
    assert repositories[-1].full_name == "Fabrikam Fiber/repo-249"
    assert "Backend/repo-007" not in {r.full_name for r in repositories}
    listing_calls = [seen for seen in azure_state.seen
                     if seen["path"] == "/fabrikam/_apis/git/repositories"]
    assert [("continuationToken" in seen["query"]) for seen in listing_calls] == [
        False, True, True]


def test_azure_repository_fields_are_mapped(azure, azure_state):
    by_name = {r.full_name: r for r in azure.repositories(azure_state.token)}

    first = by_name["Fabrikam Fiber/repo-000"]
    assert first.owner == "Fabrikam Fiber"
    assert first.clone_url == "https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/repo-000"
    assert first.web_url == "https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/repo-000"
    assert first.private is True
    assert first.default_branch is None
    assert first.last_activity == "2024-05-01T12:00:00.000Z"
    assert by_name["Backend/repo-001"].default_branch == "main"
    assert by_name["Open Source/repo-002"].private is False


@pytest.mark.parametrize("status", [203, 401])
def test_azure_wrong_token_is_rejected(azure, azure_state, status):
    azure_state.bad_token_status = status
    token = "azdo-wrong-pat-never-shown"

    raised(TokenRejected, lambda: azure.verify(token), token)
    raised(TokenRejected, lambda: azure.repositories(token), token)


def test_azure_token_without_code_read_is_missing_scope(azure, azure_state):
    azure_state.code_read = False

    error = raised(MissingScope, lambda: azure.verify(azure_state.token), azure_state.token)

    assert error.scope == "Code (Read)"


def test_azure_throttling_honours_retry_after(azure, azure_state):
    azure_state.failure = "rate_limit"

    error = raised(ProviderUnavailable, lambda: azure.repositories(azure_state.token),
                   azure_state.token)

    assert error.retry_after == 30


def test_azure_bad_gateway_is_unavailable(azure, azure_state):
    azure_state.failure = "502"

    raised(ProviderUnavailable, lambda: azure.verify(azure_state.token), azure_state.token)


def test_azure_git_auth_header_has_an_empty_user():
    client = AzureDevOps("Fabrikam")

    assert decode_basic(client.git_auth_header("pat123")) == ":pat123"
    assert client.allowed_hosts() == {"dev.azure.com", "fabrikam.visualstudio.com"}


# All providers


def test_unreachable_provider_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = "token-for-a-closed-port"
    client = GitLab(base_url=f"http://127.0.0.1:{port}", timeout=1)

    raised(ProviderUnavailable, lambda: client.verify(token), token)


def test_next_page_link_to_another_host_is_not_followed(github_state):
    """A Link header must not carry the token to a host other than the API's."""
    app = github_standin.create_app(github_state)

    @app.after_request
    def foreign_link(response):
        if "Link" in response.headers:
            response.headers["Link"] = '<https://evil.example/user/repos?page=2>; rel="next"'
        return response

    with serve(app) as base_url:
        client = GitHub(api_url=base_url)
        raised(ProviderError, lambda: client.repositories(github_state.token), github_state.token)
    assert all(seen["path"] == "/user/repos" for seen in github_state.seen)


def test_make_provider_builds_each_kind():
    assert isinstance(make_provider("github"), GitHub)
    assert isinstance(make_provider("gitlab", base_url="https://git.example.org"), GitLab)
    azure = make_provider("azure", organization="fabrikam")
    assert isinstance(azure, AzureDevOps)
    with pytest.raises(ValueError, match="unknown provider"):
        make_provider("bitbucket")
