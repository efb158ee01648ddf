# dbre on Google Cloud: one Cloud Run function (2nd gen, Java 21) per entry point of functions/gcp,
# each with the service account of its job. Files:
#   main.tf      source and config buckets, service accounts, the functions themselves
#   ingest.tf    the metrics topic, HTTP invokers
#   backup.tf    snapshot and drill schedules, the backup role, the restore workflow (Workflows)
#   rotation.tf  rotated secrets, their topic, the rotation function's files
#   slo.tf       maintenance and slo-report schedules, the report bucket, the alert-change topic
#   database.tf  Cloud SQL IAM database users
#   alerts.tf    notification channels, log-based metrics and alert policies

data "google_project" "this" {
  project_id = var.project_id
}

data "google_sql_database_instance" "db" {
  name    = var.database.instance
  project = var.project_id
}

locals {
  labels = merge(var.labels, { dbre-managed-by = "terraform" })

  # The accounts that log in to dbre's database (Cloud SQL IAM database users), one per group role of
  # database-grants.sql.tftpl.
  database_accounts = toset(["ingest", "backup", "rotation", "maintenance", "slo"])

  # The database user of a service account under Cloud SQL IAM login: its e-mail without the domain.
  db_user = { for k, sa in google_service_account.fn : k => trimsuffix(sa.email, ".gserviceaccount.com") }

  # What every function reads to reach dbre's database (functions/gcp/README.md).
  db_environment = {
    GOOGLE_CLOUD_PROJECT    = var.project_id
    DBRE_CLOUD_SQL_INSTANCE = data.google_sql_database_instance.db.connection_name
    DBRE_CLOUD_SQL_IP_TYPES = var.database.ip_types
    DBRE_DB_HOST            = data.google_sql_database_instance.db.private_ip_address != "" ? data.google_sql_database_instance.db.private_ip_address : data.google_sql_database_instance.db.public_ip_address
    DBRE_DB_NAME            = var.database.name
    DBRE_DB_AUTH            = "iam"
  }

  drill_dir = "/etc/dbre/drill"
  ca_dir    = "/etc/dbre/ca"
  slo_dir   = "/etc/dbre/slo"

  # A drill with a request file drills that one database; without one (mode "fleet") the drill
  # function drills the databases of the backup policy by its drill: rule.
  drill_request = var.drill.enabled && var.drill.mode == "request"

  # One entry per function: entry point (class), service account, trigger topic (null: HTTP), extra
  # environment, and files mounted from Secret Manager.
  functions = {
    ingest-pubsub = {
      entry_point = "dev.dbre.gcp.ingest.PubSubIngestFunction"
      account     = "ingest"
      topic       = local.ingest_topic
      environment = { DBRE_DB_USER = local.db_user["ingest"] }
      files       = []
    }
    ingest-http = {
      entry_point = "dev.dbre.gcp.ingest.HttpIngestFunction"
      account     = "ingest"
      topic       = null
      environment = { DBRE_DB_USER = local.db_user["ingest"] }
      files       = []
    }
    snapshot = {
      entry_point = "dev.dbre.gcp.backup.SnapshotFunction"
      account     = "backup"
      topic       = google_pubsub_topic.snapshot_tick.id
      environment = merge(
        { DBRE_DB_USER = local.db_user["backup"], DBRE_BACKUP_DRY_RUN = tostring(var.snapshot.dry_run) },
        var.snapshot.policy_json == null ? {} : { DBRE_BACKUP_POLICY = "gs://${google_storage_bucket.config.name}/backup-policy.json" },
      )
      files = []
    }
    restore = {
      entry_point = "dev.dbre.gcp.restore.RestoreFunction"
      account     = "backup"
      topic       = null
      environment = { DBRE_DB_USER = local.db_user["backup"] }
      files       = []
    }
    drill = {
      entry_point = "dev.dbre.gcp.restore.DrillFunction"
      account     = "backup"
      topic       = google_pubsub_topic.drill_tick.id
      environment = merge(
        { DBRE_DB_USER = local.db_user["backup"] },
        local.drill_request ? { DBRE_DRILL_REQUEST_FILE = "${local.drill_dir}/drill-request.json" } : {},
        var.drill.mode == "fleet" && var.snapshot.policy_json != null ? { DBRE_BACKUP_POLICY = "gs://${google_storage_bucket.config.name}/backup-policy.json" } : {},
      )
      files = local.drill_request ? [{ dir = local.drill_dir, secret = google_secret_manager_secret.drill_request[0].secret_id, file = "drill-request.json" }] : []
    }
    maintenance = {
      entry_point = "dev.dbre.gcp.maintenance.MaintenanceFunction"
      account     = "maintenance"
      topic       = google_pubsub_topic.maintenance_tick.id
      environment = { DBRE_DB_USER = local.db_user["maintenance"] }
      files       = []
    }
    slo-report = {
      entry_point = "dev.dbre.gcp.slo.SloReportFunction"
      account     = "slo"
      topic       = google_pubsub_topic.slo_tick.id
      environment = {
        DBRE_DB_USER     = local.db_user["slo"]
        DBRE_SLO_SPEC    = "${local.slo_dir}/slos.yaml"
        DBRE_SLO_OUT     = "gs://${google_storage_bucket.reports.name}/${var.slo_report.prefix}"
        DBRE_SLO_NOTIFY  = google_pubsub_topic.slo_alerts.id
        DBRE_SLO_FORMATS = join(",", var.slo_report.formats)
      }
      files = var.slo_report.enabled ? [{ dir = local.slo_dir, secret = google_secret_manager_secret.slo_spec[0].secret_id, file = "slos.yaml" }] : []
    }
    rotate-secret-manager = {
      entry_point = "dev.dbre.gcp.rotation.SecretRotationFunction"
      account     = "rotation"
      topic       = google_pubsub_topic.rotation.id
      environment = {
        DBRE_DB_USER                    = local.db_user["rotation"]
        DBRE_ROTATION_STRATEGY          = var.rotation.strategy
        DBRE_SECRET_MANAGER_GRACE_HOURS = tostring(var.rotation.grace_hours)
        DBRE_DB_SSLROOTCERT             = "${local.ca_dir}/server-ca.pem"
      }
      files = [{ dir = local.ca_dir, secret = google_secret_manager_secret.server_ca.secret_id, file = "server-ca.pem" }]
    }
  }
}

# --- service accounts: one per job ---------------------------------------------------------------

resource "google_service_account" "fn" {
  for_each = {
    ingest      = "dbre ingest (Pub/Sub and HTTP): writes metrics through Cloud SQL IAM login"
    backup      = "dbre snapshot, restore and drill: Cloud SQL backup runs and clones"
    rotation    = "dbre secret rotation: the rotated secrets, and its steps recorded through Cloud SQL IAM login"
    trigger     = "dbre Eventarc triggers and the restore workflow: invokes the functions"
    maintenance = "dbre metric store maintenance: roll-ups, partitions, retention through Cloud SQL IAM login"
    slo         = "dbre SLO report: reads the metric store, writes reports, publishes alert changes"
  }
  project      = var.project_id
  account_id   = "${var.name_prefix}-${each.key}"
  display_name = each.value
}

# Cloud SQL connector: connect (client) and log in with IAM (instanceUser); the rest is SQL grants.
resource "google_project_iam_member" "sql_login" {
  for_each = local.database_accounts
  project  = var.project_id
  role     = "roles/cloudsql.client"
  member   = google_service_account.fn[each.key].member
}

resource "google_project_iam_member" "sql_instance_user" {
  for_each = local.database_accounts
  project  = var.project_id
  role     = "roles/cloudsql.instanceUser"
  member   = google_service_account.fn[each.key].member
}

# --- buckets ----------------------------------------------------------------------------------------

resource "google_storage_bucket" "source" {
  name                        = "${var.project_id}-${var.name_prefix}-fn-source"
  project                     = var.project_id
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  labels                      = local.labels

  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age = 30
    }
  }
}

resource "google_storage_bucket_object" "source" {
  # The hash in the name makes a new build a new object, which rebuilds every function.
  name   = "dbre-gcp-${filemd5(var.source_archive)}.zip"
  bucket = google_storage_bucket.source.name
  source = var.source_archive
}

# The backup policy (the SLO reports have a bucket of their own, slo.tf).
resource "google_storage_bucket" "config" {
  name                        = "${var.project_id}-${var.name_prefix}-dbre"
  project                     = var.project_id
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels

  versioning {
    enabled = true
  }
}

# --- the functions ----------------------------------------------------------------------------------

resource "google_cloudfunctions2_function" "fn" {
  for_each = local.functions

  name     = "${var.name_prefix}-${each.key}"
  project  = var.project_id
  location = var.region
  labels   = local.labels

  build_config {
    runtime     = "java21"
    entry_point = each.value.entry_point
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory               = var.functions.memory
    timeout_seconds                = var.functions.timeout_seconds
    max_instance_count             = var.functions.max_instances
    service_account_email          = google_service_account.fn[each.value.account].email
    ingress_settings               = each.value.topic == null ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"
    vpc_connector                  = var.vpc_connector
    vpc_connector_egress_settings  = var.vpc_connector == null ? null : "PRIVATE_RANGES_ONLY"
    all_traffic_on_latest_revision = true
    environment_variables          = merge(var.extra_environment, local.db_environment, each.value.environment)

    dynamic "secret_volumes" {
      for_each = each.value.files
      content {
        mount_path = secret_volumes.value.dir
        project_id = var.project_id
        secret     = secret_volumes.value.secret
        versions {
          version = "latest"
          path    = secret_volumes.value.file
        }
      }
    }
  }

  # Pub/Sub-triggered functions: Eventarc pushes each message as a CloudEvent; a thrown exception
  # (IngestNotStoredException, a failed rotation) is a 500 and the message comes again.
  dynamic "event_trigger" {
    for_each = each.value.topic == null ? [] : [each.value.topic]
    content {
      trigger_region        = var.region
      event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
      pubsub_topic          = event_trigger.value
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = google_service_account.fn["trigger"].email
    }
  }

  depends_on = [
    google_project_iam_member.sql_login,
    google_project_iam_member.sql_instance_user,
    google_secret_manager_secret_iam_member.files,
    google_secret_manager_secret_iam_member.slo_spec,
  ]
}

# The trigger account invokes the event-driven functions and (backup.tf) the restore function.
resource "google_cloud_run_v2_service_iam_member" "trigger_invoker" {
  for_each = { for k, f in local.functions : k => f if f.topic != null || k == "restore" }
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = google_service_account.fn["trigger"].member
}

# Pub/Sub signs its pushes with the trigger account's token.
resource "google_service_account_iam_member" "pubsub_token_creator" {
  service_account_id = google_service_account.fn["trigger"].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}
