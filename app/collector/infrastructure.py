"""Recognise infrastructure work (containers, CI, provisioning) from a changed path alone.

Only the path is looked at, never the content, so the answer is a heuristic
built on naming conventions. Where a convention is shared with ordinary code
(a `charts/` folder of a web app, a `manifests/` folder) only the YAML and
template files inside it count. Names are compared case-insensitively because
`dockerfile` and `Dockerfile` both occur in the wild.
"""

from __future__ import annotations

import re

KINDS = (
    "Docker", "Compose", "Packer", "Terraform", "GitHub Actions", "GitLab CI",
    "Azure Pipelines", "Jenkins", "CircleCI", "Travis CI", "Bitbucket Pipelines", "Helm",
    "Kubernetes", "Ansible", "Vagrant", "Pulumi",
)

_YAML = (".yml", ".yaml")
# `compose.yaml`, `docker-compose.override.yml`, `docker-compose-dev.yml`, but not `composer.yml`.
_COMPOSE = re.compile(r"(docker-)?compose([._-].*)?\.ya?ml")
# Folders whose YAML is Kubernetes objects by convention.
_KUBERNETES_FOLDERS = frozenset({"k8s", "kubernetes", "kube", "manifests", "kustomize"})
_HELM_FOLDERS = frozenset({"charts", "chart", "helm"})
_HELM_FILES = (*_YAML, ".tpl")
# values.yaml, values-prod.yaml, values.staging.yaml: Helm's name for chart settings.
_HELM_VALUES = re.compile(r"values([._-].*)?\.ya?ml")
_ANSIBLE_ROLE_PARTS = frozenset({"tasks", "handlers", "defaults", "vars", "meta"})
_ANSIBLE_FOLDERS = frozenset({"playbooks", "group_vars", "host_vars", "ansible"})


def _docker(name: str) -> bool:
    return (
        name in ("dockerfile", "containerfile", ".dockerignore")
        or name.startswith(("dockerfile.", "containerfile."))
        or name.endswith(".dockerfile")
    )


def _terraform(name: str, folders: list[str]) -> bool:
    if name.endswith((".tf", ".tfvars", ".tf.json", ".tfvars.json")):
        return True
    # HCL is also Nomad, Vault and Consul configuration: count it only where
    # Terraform (or Terragrunt, its wrapper) is named.
    return name.endswith(".hcl") and (
        name == "terragrunt.hcl" or any("terraform" in f or "terragrunt" in f for f in folders)
    )


def _ansible(name: str, folders: list[str]) -> bool:
    if name == "ansible.cfg":
        return True
    # roles/<role>/tasks/main.yml and friends; role templates are Jinja files.
    for index, folder in enumerate(folders[:-2]):
        if folder == "roles":
            part = folders[index + 2]
            if (part in _ANSIBLE_ROLE_PARTS and name.endswith(_YAML)) or (
                part == "templates" and name.endswith(".j2")
            ):
                return True
    return name.endswith(_YAML) and (
        name.startswith("playbook") or any(f in _ANSIBLE_FOLDERS for f in folders)
    )


def infrastructure_kind(path: str) -> str | None:
    """The kind of infrastructure a changed file belongs to (one of KINDS), or None.

    Rules, checked in this order (folders match at any depth unless noted):
    Docker: Dockerfile, Dockerfile.*, *.dockerfile, Containerfile, .dockerignore.
    Compose: docker-compose*.yml and compose*.yml (also .yaml).
    Packer: *.pkr.hcl, *.pkr.json, *.pkrvars.hcl.
    Terraform: *.tf, *.tfvars (and their .json forms); *.hcl only as terragrunt.hcl or
    under a folder named like terraform/terragrunt; .terraform.lock.hcl is generated: None.
    GitHub Actions: YAML in .github/workflows/ at the root, action.yml anywhere.
    GitLab CI: .gitlab-ci.yml, *.gitlab-ci.yml, YAML under .gitlab/ci/.
    Azure Pipelines: azure-pipelines*.yml, YAML under .azure-pipelines/ or .azuredevops/.
    Jenkins: Jenkinsfile, Jenkinsfile.*, *.jenkinsfile.
    CircleCI: YAML under .circleci/. Travis CI: .travis.yml.
    Bitbucket Pipelines: bitbucket-pipelines.yml.
    Helm: Chart.yaml, Chart.lock, .helmignore, values*.yaml, or YAML / .tpl / NOTES.txt
    under a charts/, chart/ or helm/ folder (a chart lives there by convention; a web
    app's charts/ folder of components has no YAML). A chart's templates/ elsewhere is
    not recognised: without the folder name it is indistinguishable from other YAML.
    Kubernetes: kustomization.yaml, skaffold.yaml, YAML under k8s/, kubernetes/, kube/,
    manifests/ or kustomize/.
    Ansible: ansible.cfg, YAML in roles/<role>/{tasks,handlers,defaults,vars,meta}/,
    roles/<role>/templates/*.j2, playbook*.yml, YAML under playbooks/, group_vars/,
    host_vars/ or ansible/.
    Vagrant: Vagrantfile. Pulumi: Pulumi.yaml and Pulumi.<stack>.yaml.
    """
    parts = path.lower().split("/")
    name, folders = parts[-1], parts[:-1]
    is_yaml = name.endswith(_YAML)

    if _docker(name):
        return "Docker"
    if _COMPOSE.fullmatch(name):
        return "Compose"
    if name.endswith((".pkr.hcl", ".pkr.json", ".pkrvars.hcl")):
        return "Packer"
    if name == ".terraform.lock.hcl":
        return None
    if _terraform(name, folders):
        return "Terraform"
    if (is_yaml and folders[:2] == [".github", "workflows"]) or name in ("action.yml",
                                                                       "action.yaml"):
        return "GitHub Actions"
    if name == ".gitlab-ci.yml" or name.endswith(".gitlab-ci.yml") or (
        is_yaml and folders[:2] == [".gitlab", "ci"]
    ):
        return "GitLab CI"
    if (is_yaml and name.startswith("azure-pipelines")) or (
        is_yaml and any(f in (".azure-pipelines", ".azuredevops") for f in folders)
    ):
        return "Azure Pipelines"
    if name == "jenkinsfile" or name.startswith("jenkinsfile.") or name.endswith(".jenkinsfile"):
        return "Jenkins"
    if is_yaml and ".circleci" in folders:
        return "CircleCI"
    if name == ".travis.yml":
        return "Travis CI"
    if name == "bitbucket-pipelines.yml":
        return "Bitbucket Pipelines"
    if name in ("chart.yaml", "chart.lock", ".helmignore") or _HELM_VALUES.fullmatch(name) or (
        (name.endswith(_HELM_FILES) or name == "notes.txt")
        and any(f in _HELM_FOLDERS for f in folders)
    ):
        return "Helm"
    if name in ("kustomization.yaml", "kustomization.yml", "skaffold.yaml") or (
        is_yaml and any(f in _KUBERNETES_FOLDERS for f in folders)
    ):
        return "Kubernetes"
    if _ansible(name, folders):
        return "Ansible"
    if name == "vagrantfile":
        return "Vagrant"
    if name == "pulumi.yaml" or (name.startswith("pulumi.") and is_yaml):
        return "Pulumi"
    return None
