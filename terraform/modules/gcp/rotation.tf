# rotate-secret-manager: Secret Manager publishes SECRET_ROTATE on the rotation topic; Eventarc
# delivers it to SecretRotationFunction, which runs the four steps.

resource "google_pubsub_topic" "rotation" {
  name    = "${var.name_prefix}-secret-rotation"
  project = var.project_id
  labels  = local.labels
}

# Secret Manager's service agent publishes the notifications. The agent must exist first:
# scripts/deploy-gcp runs `gcloud beta services identity create --service=secretmanager.googleapis.com`
# (google_project_service_identity is in the google-beta provider only).
resource "google_pubsub_topic_iam_member" "secret_manager_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.rotation.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-secretmanager.iam.gserviceaccount.com"
}

resource "google_secret_manager_secret" "rotated" {
  for_each  = toset(var.rotation.secrets)
  project   = var.project_id
  secret_id = each.value
  labels    = local.labels

  replication {
    auto {}
  }

  topics {
    name = google_pubsub_topic.rotation.id
  }

  rotation {
    rotation_period    = "${var.rotation.period_days * 86400}s"
    next_rotation_time = var.rotation.next_rotation_time
  }

  depends_on = [google_pubsub_topic_iam_member.secret_manager_publisher]
}

# What SecretManagerStore calls: get and update the secret (aliases, annotations), list, add,
# access and disable versions. No predefined role has update without also delete and IAM.
resource "google_project_iam_custom_role" "rotation" {
  project     = var.project_id
  role_id     = replace("${var.name_prefix}_dbre_rotation", "-", "_")
  title       = "dbre secret rotation"
  description = "Rotate a PostgreSQL password kept in Secret Manager (granted per secret)."
  permissions = [
    "secretmanager.secrets.get",
    "secretmanager.secrets.update",
    "secretmanager.versions.access",
    "secretmanager.versions.add",
    "secretmanager.versions.disable",
    "secretmanager.versions.get",
    "secretmanager.versions.list",
  ]
}

resource "google_secret_manager_secret_iam_member" "rotation" {
  for_each  = google_secret_manager_secret.rotated
  project   = var.project_id
  secret_id = each.value.secret_id
  role      = google_project_iam_custom_role.rotation.name
  member    = google_service_account.fn["rotation"].member
}

# The CA bundle the rotation verifies the database with (DBRE_DB_SSLROOTCERT is required: Cloud SQL
# server CAs are per instance and in no trust store), mounted as a file.
resource "google_secret_manager_secret" "server_ca" {
  project   = var.project_id
  secret_id = "${var.name_prefix}-server-ca"
  labels    = local.labels

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "server_ca" {
  secret      = google_secret_manager_secret.server_ca.id
  secret_data = coalesce(var.rotation.ca_bundle_pem, data.google_sql_database_instance.db.server_ca_cert[0].cert)
}

# Read access to the mounted files, each for the account of the function that mounts it.
resource "google_secret_manager_secret_iam_member" "files" {
  for_each = merge(
    { server-ca = { secret = google_secret_manager_secret.server_ca.secret_id, account = "rotation" } },
    local.drill_request ? { drill-request = { secret = google_secret_manager_secret.drill_request[0].secret_id, account = "backup" } } : {},
  )
  project   = var.project_id
  secret_id = each.value.secret
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn[each.value.account].member
}
