variable "project_id" {
  description = "Project of the functions and of the Cloud SQL instances they snapshot and restore (GOOGLE_CLOUD_PROJECT)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project id: 6-30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the functions, topics, scheduler jobs and the restore workflow, e.g. \"europe-west1\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must be a region name such as \"europe-west1\"."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name (lowercase letters, digits, hyphens; 3-12 characters, starting with a letter). Service account ids become <prefix>-<role> and must stay within 30 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,11}$", var.name_prefix))
    error_message = "name_prefix must be 3-12 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "source_archive" {
  description = "Path of the Cloud Functions source archive that scripts/deploy-gcp builds (the functions/gcp jar with its dependencies, a zip). Its file name carries a content hash, so a new build is a new object and every function is rebuilt."
  type        = string

  validation {
    condition     = endswith(var.source_archive, ".zip")
    error_message = "source_archive must be the path of a .zip file (built by scripts/deploy-gcp)."
  }
}

variable "database" {
  description = <<-EOT
    The Cloud SQL for PostgreSQL instance that holds dbre's schema (ingest tables, snapshot_runs,
    restore_runs). The functions log in through the Cloud SQL connector with IAM database
    authentication (the instance must have the flag cloudsql.iam_authentication=on: checked at plan).
    instance: the instance name in project_id; name: the database (default "postgres"); ip_types:
    DBRE_CLOUD_SQL_IP_TYPES (PRIVATE needs vpc_connector); schema_owner: the role that ran the
    migrations and owns the tables (default "postgres"): output database_grants_sql grants on its
    tables, sets its default privileges, and makes the maintenance group its member, since only a
    table's owner may drop its partitions.
  EOT
  type = object({
    instance     = string
    name         = optional(string, "postgres")
    ip_types     = optional(string, "PRIVATE")
    schema_owner = optional(string, "postgres")
  })

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,97}$", var.database.instance))
    error_message = "database.instance must be a Cloud SQL instance name (not the connection name)."
  }
  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_@.-]{0,62}$", var.database.schema_owner))
    error_message = "database.schema_owner must be a PostgreSQL role name (letters, digits, _, @, ., -; at most 63)."
  }
  validation {
    condition     = can(regex("^(PUBLIC|PRIVATE|PSC)(,(PUBLIC|PRIVATE|PSC))*$", var.database.ip_types))
    error_message = "database.ip_types must list PUBLIC, PRIVATE or PSC, comma-separated, e.g. \"PRIVATE\"."
  }
}

variable "vpc_connector" {
  description = "Serverless VPC Access connector (projects/P/locations/R/connectors/C) for private IPs: the connector's PRIVATE path and the restore verification of clones. null: no VPC egress."
  type        = string
  default     = null

  validation {
    condition     = var.vpc_connector == null || can(regex("^projects/[^/]+/locations/[^/]+/connectors/[^/]+$", var.vpc_connector))
    error_message = "vpc_connector must be null or projects/<project>/locations/<region>/connectors/<name>."
  }
}

variable "functions" {
  description = "Sizing of every function: memory (Cloud Run notation, e.g. \"1Gi\"), the most instances of each, and the request timeout in seconds (HTTP functions allow up to 3600, event functions 540)."
  type = object({
    memory          = optional(string, "1Gi")
    max_instances   = optional(number, 20)
    timeout_seconds = optional(number, 300)
  })
  default = {}

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.functions.memory))
    error_message = "functions.memory must be a size such as 512Mi or 1Gi."
  }
  validation {
    condition     = var.functions.max_instances >= 1 && var.functions.max_instances <= 1000
    error_message = "functions.max_instances must be 1-1000."
  }
  validation {
    condition     = var.functions.timeout_seconds >= 10 && var.functions.timeout_seconds <= 540
    error_message = "functions.timeout_seconds must be 10-540 (the limit of event-driven functions)."
  }
}

variable "ingest" {
  description = "Ingest: the Pub/Sub topic that feeds the Pub/Sub function (created as <prefix>-metrics when topic is null), and who may call the HTTP function (IAM members given roles/run.invoker, e.g. \"serviceAccount:agent@p.iam.gserviceaccount.com\")."
  type = object({
    topic         = optional(string)
    http_invokers = optional(list(string), [])
  })
  default = {}

  validation {
    condition     = var.ingest.topic == null || can(regex("^projects/[^/]+/topics/[^/]+$", var.ingest.topic))
    error_message = "ingest.topic must be null or a topic id projects/<project>/topics/<name>."
  }
  validation {
    condition     = alltrue([for m in var.ingest.http_invokers : can(regex("^(user|serviceAccount|group|domain|principal|principalSet):", m))])
    error_message = "ingest.http_invokers must be IAM members such as serviceAccount:<email> or group:<email>."
  }
}

variable "snapshot" {
  description = "Snapshot function: a Cloud Scheduler cron (five fields) and time zone, and the backup policy JSON (docs/backup-policy.md) stored as gs://<config bucket>/backup-policy.json and re-read every message. policy_json = null: no scheduler job."
  type = object({
    schedule    = optional(string, "0 * * * *")
    time_zone   = optional(string, "Etc/UTC")
    policy_json = optional(string)
    dry_run     = optional(bool, false)
  })
  default = {}

  validation {
    condition     = length(split(" ", trimspace(var.snapshot.schedule))) == 5
    error_message = "snapshot.schedule must be a cron expression with five fields, e.g. \"0 * * * *\"."
  }
  validation {
    condition     = var.snapshot.policy_json == null || can(jsondecode(var.snapshot.policy_json))
    error_message = "snapshot.policy_json must be valid JSON (see docs/backup-policy.md)."
  }
}

variable "drill" {
  description = "Restore drill: when enabled, a scheduler job every few minutes advances drills one step. mode \"request\": the day's drill of one database, read from request_json (a restore request with \"drill\": true, docs/restore-request.md), mounted into the function as a file. mode \"fleet\": no request file, so the function drills the databases of the backup policy (snapshot.policy_json) by its drill: rule."
  type = object({
    enabled      = optional(bool, false)
    mode         = optional(string, "request")
    schedule     = optional(string, "*/5 * * * *")
    time_zone    = optional(string, "Etc/UTC")
    request_json = optional(string)
  })
  default = {}

  validation {
    condition     = contains(["request", "fleet"], var.drill.mode)
    error_message = "drill.mode must be request (one database, request_json) or fleet (the backup policy's databases)."
  }
  validation {
    condition     = !var.drill.enabled || var.drill.mode != "request" || try(jsondecode(var.drill.request_json).drill == true, false)
    error_message = "drill.request_json must be a restore request with \"drill\": true when drill.enabled is true in mode request."
  }
  validation {
    condition     = length(split(" ", trimspace(var.drill.schedule))) == 5
    error_message = "drill.schedule must be a cron expression with five fields."
  }
}

variable "maintenance" {
  description = "The metric store's maintenance step (roll-ups, partitions ahead, retention): a Cloud Scheduler cron (five fields), every 5 minutes by default, and its time zone. Leave it enabled wherever ingest runs: without it partitions are not created ahead."
  type = object({
    enabled   = optional(bool, true)
    schedule  = optional(string, "*/5 * * * *")
    time_zone = optional(string, "Etc/UTC")
  })
  default = {}

  validation {
    condition     = length(split(" ", trimspace(var.maintenance.schedule))) == 5
    error_message = "maintenance.schedule must be a cron expression with five fields, e.g. \"*/5 * * * *\"."
  }
}

variable "slo_report" {
  description = "The SLO report: a Cloud Scheduler cron (hourly by default); spec_yaml, the OpenSLO spec set as one multi-document YAML text (docs/slo.md), mounted as a file; reports go to gs://<report bucket>/<prefix> in the formats listed and are deleted after report_retention_days."
  type = object({
    enabled               = optional(bool, true)
    schedule              = optional(string, "0 * * * *")
    time_zone             = optional(string, "Etc/UTC")
    spec_yaml             = optional(string)
    prefix                = optional(string, "slo")
    formats               = optional(list(string), ["json", "md", "html"])
    report_retention_days = optional(number, 400)
  })
  default = {}

  validation {
    condition     = length(split(" ", trimspace(var.slo_report.schedule))) == 5
    error_message = "slo_report.schedule must be a cron expression with five fields, e.g. \"0 * * * *\"."
  }
  validation {
    condition     = !var.slo_report.enabled || try(length(trimspace(var.slo_report.spec_yaml)) > 0, false)
    error_message = "slo_report.spec_yaml is required when slo_report.enabled is true: the OpenSLO YAML (e.g. the files of docs/examples/slo joined with ---)."
  }
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$", var.slo_report.prefix))
    error_message = "slo_report.prefix must be lowercase letters, digits, _ and - in /-separated parts, without a leading or trailing /."
  }
  validation {
    condition     = length(var.slo_report.formats) > 0 && alltrue([for f in var.slo_report.formats : contains(["json", "md", "html"], f)])
    error_message = "slo_report.formats must list json, md and/or html."
  }
  validation {
    condition     = var.slo_report.report_retention_days >= 1 && var.slo_report.report_retention_days <= 3650
    error_message = "slo_report.report_retention_days must be 1-3650."
  }
}

variable "restore_workflow" {
  description = "The restore loop (Workflows): seconds between advance calls and the most advance calls before the execution fails."
  type = object({
    poll_seconds = optional(number, 60)
    max_steps    = optional(number, 240)
  })
  default = {}

  validation {
    condition     = var.restore_workflow.poll_seconds >= 10 && var.restore_workflow.poll_seconds <= 3600
    error_message = "restore_workflow.poll_seconds must be 10-3600."
  }
  validation {
    condition     = var.restore_workflow.max_steps >= 1 && var.restore_workflow.max_steps <= 10000
    error_message = "restore_workflow.max_steps must be 1-10000."
  }
}

variable "rotation" {
  description = <<-EOT
    Secret rotation: the Secret Manager secrets to create with a rotation schedule and the rotation
    topic (their values are added outside Terraform, so no password is in the state), the period in
    days, the first rotation time (RFC 3339, at least 5 minutes ahead when applied), the strategy
    (single or alternating), the grace before old versions are disabled, and the CA bundle (PEM) the
    rotation verifies the database with (null: the server CA of database.instance).
  EOT
  type = object({
    secrets            = optional(list(string), [])
    period_days        = optional(number, 30)
    next_rotation_time = optional(string)
    strategy           = optional(string, "single")
    grace_hours        = optional(number, 24)
    ca_bundle_pem      = optional(string)
  })
  default = {}

  validation {
    condition     = alltrue([for s in var.rotation.secrets : can(regex("^[A-Za-z0-9_-]{1,255}$", s))])
    error_message = "rotation.secrets must be secret ids (letters, digits, _ and -)."
  }
  validation {
    condition     = length(var.rotation.secrets) == 0 || can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$", var.rotation.next_rotation_time))
    error_message = "rotation.next_rotation_time is required with rotation.secrets: an RFC 3339 UTC time such as 2027-01-01T03:00:00Z."
  }
  validation {
    condition     = var.rotation.period_days >= 1 && var.rotation.period_days <= 1000
    error_message = "rotation.period_days must be 1-1000."
  }
  validation {
    condition     = contains(["single", "alternating"], var.rotation.strategy)
    error_message = "rotation.strategy must be single or alternating."
  }
  validation {
    condition     = var.rotation.grace_hours >= 0 && var.rotation.grace_hours <= 8760
    error_message = "rotation.grace_hours must be 0-8760 (DBRE_SECRET_MANAGER_GRACE_HOURS)."
  }
}

variable "alerts" {
  description = "Where alerts go (e-mail notification channels) and their thresholds: the age of the oldest unacknowledged ingest message, the backup age in hours that breaches the RPO, and whether to alert when no drill completed for a day."
  type = object({
    emails                 = list(string)
    ingest_max_age_seconds = optional(number, 900)
    rpo_hours              = optional(number, 25)
  })

  validation {
    condition     = length(var.alerts.emails) > 0 && alltrue([for e in var.alerts.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alerts.emails must list at least one e-mail address."
  }
  validation {
    condition     = var.alerts.ingest_max_age_seconds >= 60 && var.alerts.rpo_hours >= 1
    error_message = "alerts.ingest_max_age_seconds must be at least 60 and alerts.rpo_hours at least 1."
  }
}

variable "extra_environment" {
  description = "More DBRE_* environment variables for every function (parser and HTTP limits, DBRE_RESTORE_DB_*, ...), see functions/gcp/README.md. Variables this module sets itself win."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.extra_environment) : startswith(k, "DBRE_")])
    error_message = "extra_environment keys must start with DBRE_ (the functions read no other names)."
  }
}

variable "labels" {
  description = "Labels on every resource that takes labels."
  type        = map(string)
  default     = {}
}
