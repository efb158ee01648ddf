# Example: dbre on Azure for one Flexible Server. scripts/deploy-azure builds the package and runs
# terraform apply here with -var function_package=<zip>; copy terraform.tfvars.example to
# terraform.tfvars and fill it in first.
terraform {
  required_version = ">= 1.6.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "4.55.0"
    }
  }
}

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
}

module "dbre" {
  source = "../../modules/azure"

  name_prefix         = var.name_prefix
  resource_group_name = var.resource_group_name
  location            = var.location
  function_package    = var.function_package

  database = {
    host                = "${var.server_name}.postgres.database.azure.com"
    server_name         = var.server_name
    resource_group_name = var.server_resource_group_name
    name                = "dbre"
    schema_owner        = var.schema_owner
    entra_admin         = var.entra_admin
  }

  snapshot = {
    schedule    = "0 0 * * * *"
    policy_json = file("${path.module}/backup-policy.json")
  }

  # A drill-request.json here drills that one database; without one, fleet_drills drills the
  # databases of backup-policy.json by its "drill" rule.
  drill = {
    enabled = var.fleet_drills || fileexists("${path.module}/drill-request.json")
    mode    = fileexists("${path.module}/drill-request.json") ? "request" : "fleet"
  }

  maintenance = {
    schedule = "0 */5 * * * *"
  }

  # The spec set is the package's dbre/slo: scripts/deploy-azure copies ./slo/ there, or the
  # product's own set (docs/examples/slo) when there is no ./slo/.
  slo_report = {
    schedule = "0 0 * * * *"
  }

  alerts = {
    emails = var.alert_emails
  }

  tags = { team = "dbre" }
}
