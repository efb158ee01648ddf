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

  drill = {
    enabled      = fileexists("${path.module}/drill-request.json")
    request_json = fileexists("${path.module}/drill-request.json") ? file("${path.module}/drill-request.json") : null
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
