package dev.dbre.db;

/** How a function logs in to PostgreSQL ({@code DBRE_DB_AUTH}). */
public enum DbAuth {
    /** A short-lived token from the cloud's identity (RDS IAM, Entra, Cloud SQL IAM). The default. */
    IAM,
    /** A password read from the secret named by {@code DBRE_DB_SECRET_ID} (secret rotation issue). */
    SECRET,
    /** No password (trust or peer authentication): local runtime and tests only. */
    NONE
}
