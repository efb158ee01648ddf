# Example: dbre on Google Cloud for one Cloud SQL instance. scripts/deploy-gcp builds the source
# archive and runs terraform apply here with -var source_archive=<zip>; copy terraform.tfvars.example
# to terraform.tfvars and fill it in first.
terraform {
  required_version = ">= 1.6.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "6.50.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

locals {
  slo_dir = length(fileset("${path.module}/slo", "*.{yaml,yml}")) > 0 ? "${path.module}/slo" : "${path.module}/../../../docs/examples/slo"
}

module "dbre" {
  source = "../../modules/gcp"

  project_id     = var.project_id
  region         = var.region
  name_prefix    = var.name_prefix
  source_archive = var.source_archive
  vpc_connector  = var.vpc_connector

  database = {
    instance = var.instance
    name     = "dbre"
    ip_types = var.vpc_connector == null ? "PUBLIC" : "PRIVATE"
  }

  snapshot = {
    schedule    = "0 * * * *"
    policy_json = templatefile("${path.module}/backup-policy.json.tftpl", { region = var.region })
  }

  # A drill-request.json here drills that one database; without one, fleet_drills drills the
  # databases of the backup policy by its "drill" rule.
  drill = {
    enabled      = var.fleet_drills || fileexists("${path.module}/drill-request.json")
    mode         = fileexists("${path.module}/drill-request.json") ? "request" : "fleet"
    request_json = fileexists("${path.module}/drill-request.json") ? file("${path.module}/drill-request.json") : null
  }

  maintenance = {
    schedule = "*/5 * * * *"
  }

  # The spec set: ./slo/*.yaml if there is such a folder, else the product's own (docs/examples/slo),
  # as one multi-document YAML.
  slo_report = {
    schedule  = "0 * * * *"
    spec_yaml = join("\n---\n", [for f in sort(fileset(local.slo_dir, "*.{yaml,yml}")) : file("${local.slo_dir}/${f}")])
  }

  rotation = {
    secrets            = var.rotated_secrets
    next_rotation_time = var.first_rotation_time
  }

  alerts = {
    emails = var.alert_emails
  }

  labels = { team = "dbre" }
}
