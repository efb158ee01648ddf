variable "subscription_id" {
  description = "Azure subscription to deploy into."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of every resource name (see the module)."
  type        = string
  default     = "dbre"
}

variable "resource_group_name" {
  description = "Existing resource group for dbre's resources."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
  default     = "westeurope"
}

variable "server_name" {
  description = "The Flexible Server that holds dbre's database (and is snapshotted)."
  type        = string
}

variable "schema_owner" {
  description = "The role that ran the dbre migrations (scripts/dbre migrate) and owns the tables: the grants in output database_role_sql are its tables'."
  type        = string
}

variable "server_resource_group_name" {
  description = "Resource group of the Flexible Servers."
  type        = string
}

variable "entra_admin" {
  description = "Optional Microsoft Entra administrator of the server (a DBA group): object_id, principal_name, principal_type."
  type = object({
    object_id      = string
    principal_name = string
    principal_type = optional(string, "Group")
  })
  default = null
}

variable "alert_emails" {
  description = "Who receives the alerts."
  type        = list(string)
}

variable "function_package" {
  description = "Set by scripts/deploy-azure: the zip it built."
  type        = string
}

variable "fleet_drills" {
  description = "Drill the databases of backup-policy.json by its drill rule (used when there is no drill-request.json)."
  type        = bool
  default     = true
}
