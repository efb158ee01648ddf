# ingest-pubsub: the metrics topic (or an existing one); ingest-http: callers need roles/run.invoker.

resource "google_pubsub_topic" "metrics" {
  count   = var.ingest.topic == null ? 1 : 0
  name    = "${var.name_prefix}-metrics"
  project = var.project_id
  labels  = local.labels
  # Seven days: what RETRY_POLICY_RETRY can use while the database is down.
  message_retention_duration = "604800s"
}

locals {
  ingest_topic = var.ingest.topic != null ? var.ingest.topic : google_pubsub_topic.metrics[0].id
}

resource "google_cloud_run_v2_service_iam_member" "http_invokers" {
  for_each = toset(var.ingest.http_invokers)
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn["ingest-http"].service_config[0].service
  role     = "roles/run.invoker"
  member   = each.value
}
