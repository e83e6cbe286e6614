# Bakes the Commit Stats AMI: Debian 12 configured by the same playbook operators
# run (../ansible/site.yml), with secrets left to SSM Parameter Store at boot.
#   packer init packer/ && packer build -var app_version=v1.2.3 packer/

locals {
  timestamp = regex_replace(timestamp(), "[- TZ:]", "")
}

source "amazon-ebs" "debian" {
  region        = var.region
  instance_type = var.instance_type
  ami_name      = "${var.ami_name_prefix}-${var.app_version}-${local.timestamp}"

  source_ami_filter {
    filters = {
      name                = "debian-12-amd64-*"
      architecture        = "x86_64"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    # Debian's own account for its official cloud images.
    owners      = ["136693071363"]
    most_recent = true
  }

  ssh_username                = "admin"
  vpc_id                      = var.vpc_id
  subnet_id                   = var.subnet_id
  associate_public_ip_address = var.associate_public_ip_address

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = var.volume_size
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    encrypted             = true
    delete_on_termination = true
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  tags = {
    Name        = "${var.ami_name_prefix}-${var.app_version}"
    Application = "commitstats"
    AppVersion  = var.app_version
    BaseAMI     = "{{ .SourceAMI }}"
    BaseAMIName = "{{ .SourceAMIName }}"
    BuiltBy     = "packer"
  }
  run_tags = {
    Name        = "packer-${var.ami_name_prefix}-${var.app_version}"
    Application = "commitstats"
  }
}

build {
  sources = ["source.amazon-ebs.debian"]

  provisioner "ansible" {
    playbook_file = "${path.root}/../ansible/site.yml"
    groups        = ["commitstats"]
    user          = "admin"
    use_proxy     = false
    # The build instance is new every time: there is no known host key to check.
    ansible_env_vars = ["ANSIBLE_HOST_KEY_CHECKING=False"]
    extra_arguments = concat([
      "--extra-vars", "commitstats_version=${var.app_version}",
      "--extra-vars", "commitstats_aws_region=${var.region}",
      "--extra-vars", "commitstats_secrets_source=ssm",
      "--extra-vars", "commitstats_ssm_parameter_path=${var.ssm_parameter_path}",
      # Enabled, not started: the build instance has no secrets.
      "--extra-vars", "commitstats_service_state=stopped",
    ], var.app_archive == "" ? [] : ["--extra-vars", "commitstats_archive=${abspath(var.app_archive)}"])
  }

  post-processor "manifest" {
    output     = "${path.root}/manifest.json"
    strip_path = true
  }
}
