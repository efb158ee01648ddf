# Cloud SQL IAM database login: the ingest, backup, maintenance and slo accounts are database users named after their
# e-mail without ".gserviceaccount.com" (DBRE_DB_USER). Table grants are SQL (output
# database_grants_sql), run once by a database administrator.
resource "google_sql_user" "iam" {
  for_each = toset(["ingest", "backup", "maintenance", "slo"])
  project  = var.project_id
  instance = data.google_sql_database_instance.db.name
  name     = local.db_user[each.key]
  type     = "CLOUD_IAM_SERVICE_ACCOUNT"

  lifecycle {
    precondition {
      condition = anytrue([
        for f in try(data.google_sql_database_instance.db.settings[0].database_flags, []) :
        f.name == "cloudsql.iam_authentication" && f.value == "on"
      ])
      error_message = "The instance ${var.database.instance} needs the database flag cloudsql.iam_authentication=on for IAM database login."
    }
  }
}
