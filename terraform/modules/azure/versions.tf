terraform {
  required_version = ">= 1.6.0"

  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # The argument names used here are checked against 4.55.0's schema (terraform/README.md, "Tests").
      version = ">= 4.55.0, < 5.0.0"
    }
  }
}
