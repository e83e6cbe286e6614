"""Infrastructure work is recognised from the changed path alone."""

from __future__ import annotations

import pytest

from app.collector.infrastructure import KINDS, infrastructure_kind

CLASSIFIED = [
    # Docker
    ("Dockerfile", "Docker"),
    ("services/api/Dockerfile", "Docker"),
    ("dockerfile", "Docker"),
    ("Dockerfile.dev", "Docker"),
    ("docker/worker.Dockerfile", "Docker"),
    ("Containerfile", "Docker"),
    (".dockerignore", "Docker"),
    # Compose
    ("docker-compose.yml", "Compose"),
    ("docker-compose.override.yaml", "Compose"),
    ("deploy/docker-compose-dev.yml", "Compose"),
    ("compose.yaml", "Compose"),
    ("compose.prod.yml", "Compose"),
    # Packer comes before Terraform although both are HCL
    ("packer/ubuntu.pkr.hcl", "Packer"),
    ("image.pkr.json", "Packer"),
    ("variables.pkrvars.hcl", "Packer"),
    # Terraform
    ("main.tf", "Terraform"),
    ("infra/envs/prod/terraform.tfvars", "Terraform"),
    ("stack.tf.json", "Terraform"),
    ("live/prod/terragrunt.hcl", "Terraform"),
    ("terraform/modules/vpc/backend.hcl", "Terraform"),
    # GitHub Actions
    (".github/workflows/ci.yml", "GitHub Actions"),
    (".github/workflows/release.yaml", "GitHub Actions"),
    ("action.yml", "GitHub Actions"),
    (".github/actions/setup/action.yaml", "GitHub Actions"),
    # GitLab CI
    (".gitlab-ci.yml", "GitLab CI"),
    ("ci/build.gitlab-ci.yml", "GitLab CI"),
    (".gitlab/ci/test.yml", "GitLab CI"),
    # Azure Pipelines
    ("azure-pipelines.yml", "Azure Pipelines"),
    ("azure-pipelines-release.yaml", "Azure Pipelines"),
    (".azure-pipelines/templates/build.yml", "Azure Pipelines"),
    # Jenkins
    ("Jenkinsfile", "Jenkins"),
    ("ci/Jenkinsfile.nightly", "Jenkins"),
    ("deploy.jenkinsfile", "Jenkins"),
    # Other CI services
    (".circleci/config.yml", "CircleCI"),
    (".travis.yml", "Travis CI"),
    ("bitbucket-pipelines.yml", "Bitbucket Pipelines"),
    # Helm
    ("charts/api/Chart.yaml", "Helm"),
    ("Chart.lock", "Helm"),
    ("charts/api/templates/deployment.yaml", "Helm"),
    ("charts/api/templates/_helpers.tpl", "Helm"),
    ("helm/api/templates/NOTES.txt", "Helm"),
    ("values.yaml", "Helm"),
    ("deploy/values-prod.yaml", "Helm"),
    ("k8s/charts/web/values.yaml", "Helm"),
    # Kubernetes
    ("k8s/deployment.yaml", "Kubernetes"),
    ("deploy/kubernetes/ingress.yml", "Kubernetes"),
    ("manifests/base/service.yaml", "Kubernetes"),
    ("overlays/prod/kustomization.yaml", "Kubernetes"),
    ("skaffold.yaml", "Kubernetes"),
    # Ansible
    ("ansible.cfg", "Ansible"),
    ("roles/nginx/tasks/main.yml", "Ansible"),
    ("ansible/roles/app/handlers/main.yaml", "Ansible"),
    ("roles/app/defaults/main.yml", "Ansible"),
    ("roles/app/templates/app.service.j2", "Ansible"),
    ("playbooks/site.yml", "Ansible"),
    ("playbook.yml", "Ansible"),
    ("inventories/prod/group_vars/all.yml", "Ansible"),
    # A few more
    ("Vagrantfile", "Vagrant"),
    ("Pulumi.yaml", "Pulumi"),
    ("Pulumi.prod.yaml", "Pulumi"),
]

NOT_INFRASTRUCTURE = [
    "README.md",
    "src/app.py",
    "docs/docker.md",
    "docs/compose.md",
    "composer.yml",
    ".terraform.lock.hcl",
    "nomad/job.hcl",
    "src/components/charts/BarChart.tsx",
    "src/components/charts/data.txt",
    "templates/index.html",
    "config/settings.yaml",
    ".github/dependabot.yml",
    "workflows/ci.yml",
    "roles/app/files/motd",
    "docs/manifests/intro.md",
]


@pytest.mark.parametrize(("path", "kind"), CLASSIFIED)
def test_infrastructure_files_are_classified_by_path(path: str, kind: str) -> None:
    assert infrastructure_kind(path) == kind


@pytest.mark.parametrize("path", NOT_INFRASTRUCTURE)
def test_ordinary_files_are_not_infrastructure(path: str) -> None:
    assert infrastructure_kind(path) is None


def test_every_kind_is_listed_and_exercised() -> None:
    assert {kind for _, kind in CLASSIFIED} == set(KINDS)
