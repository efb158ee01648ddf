# Microsoft Entra login to the Flexible Server. The functions log in as their user-assigned identity
# with an Entra token (DBRE_DB_AUTH=iam). The server needs Entra authentication on and an Entra
# administrator; that administrator creates the identity's role once (output database_role_sql):
# PostgreSQL roles are not ARM resources, so Terraform cannot create them without a database login.
resource "azurerm_postgresql_flexible_server_active_directory_administrator" "dba" {
  count               = var.database.entra_admin == null ? 0 : 1
  server_name         = var.database.server_name
  resource_group_name = var.database.resource_group_name
  tenant_id           = data.azurerm_client_config.current.tenant_id
  object_id           = var.database.entra_admin.object_id
  principal_name      = var.database.entra_admin.principal_name
  principal_type      = var.database.entra_admin.principal_type
}
