terraform {
  required_version = ">= 1.6.0"

  required_providers {
    google = {
      source = "hashicorp/google"
      # The argument names used here are checked against 6.50.0's schema (terraform/README.md, "Tests").
      version = ">= 6.50.0, < 7.0.0"
    }
  }
}
