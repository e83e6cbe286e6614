variable "region" {
  type        = string
  description = "AWS region to build the AMI in (the autoscaling group's region)."
  default     = "eu-west-1"
}

variable "instance_type" {
  type        = string
  description = "Instance type of the temporary build instance."
  default     = "t3.small"
}

variable "app_version" {
  type        = string
  description = "Commit Stats release to bake: a git tag or commit, also the release folder's name."
  default     = "main"
}

variable "app_archive" {
  type        = string
  description = "A `git archive` tar.gz of the release to bake instead of cloning app_version from git; empty clones."
  default     = ""
}

variable "ami_name_prefix" {
  type        = string
  description = "AMI names are <prefix>-<app_version>-<UTC timestamp>."
  default     = "commitstats"
}

variable "ssm_parameter_path" {
  type        = string
  description = "SSM Parameter Store path the instances read their secrets from at every service start."
  default     = "/commitstats/production"
}

variable "volume_size" {
  type        = number
  description = "Root volume in GiB: the system, releases, and repository mirrors (COMMITSTATS_MIRROR_BUDGET_GB)."
  default     = 40
}

variable "vpc_id" {
  type        = string
  description = "VPC for the build instance; empty uses the default VPC."
  default     = ""
}

variable "subnet_id" {
  type        = string
  description = "Subnet for the build instance; empty lets Packer choose one in the VPC."
  default     = ""
}

variable "associate_public_ip_address" {
  type        = bool
  description = "Give the build instance a public address, so Packer can reach it over SSH from outside the VPC."
  default     = true
}
