variable "project_id" {
  description = "Project to deploy into (and of the Cloud SQL instances)."
  type        = string
}

variable "region" {
  description = "Region of the functions."
  type        = string
  default     = "europe-west1"
}

variable "name_prefix" {
  description = "Prefix of every resource name (see the module)."
  type        = string
  default     = "dbre"
}

variable "instance" {
  description = "The Cloud SQL instance that holds dbre's database."
  type        = string
}

variable "vpc_connector" {
  description = "Serverless VPC Access connector for private IPs, or null."
  type        = string
  default     = null
}

variable "rotated_secrets" {
  description = "Secret ids to create with a rotation schedule."
  type        = list(string)
  default     = []
}

variable "first_rotation_time" {
  description = "RFC 3339 time of the first rotation (required with rotated_secrets)."
  type        = string
  default     = null
}

variable "alert_emails" {
  description = "Who receives the alerts."
  type        = list(string)
}

variable "source_archive" {
  description = "Set by scripts/deploy-gcp: the zip it built."
  type        = string
}

variable "fleet_drills" {
  description = "Drill the databases of the backup policy by its drill rule (used when there is no drill-request.json)."
  type        = bool
  default     = true
}
