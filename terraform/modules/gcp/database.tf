# Cloud SQL IAM database login: the ingest, backup, rotation (it records its steps in rotation_runs),
# maintenance and slo accounts are database users named after their e-mail without
# ".gserviceaccount.com" (DBRE_DB_USER). What each may do is SQL (output database_grants_sql, rendered
# from database-grants.sql.tftpl), run once by a database administrator.
resource "google_sql_user" "iam" {
  for_each = local.database_accounts
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
