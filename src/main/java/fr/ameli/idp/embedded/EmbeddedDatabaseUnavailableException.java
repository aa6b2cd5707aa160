package fr.ameli.idp.embedded;

/**
 * The embedded default was asked for (no {@code spring.r2dbc.url}, {@code idp.embedded.enabled} true), but this
 * build carries no PostgreSQL binaries for the platform: the image's jar and any jar built with
 * {@code -DwithoutEmbeddedPostgres} have none, and binaries exist only for Linux and macOS on amd64 and arm64.
 */
final class EmbeddedDatabaseUnavailableException extends IllegalStateException {

    EmbeddedDatabaseUnavailableException(String system, String architecture, Throwable cause) {
        super("No database is configured (spring.r2dbc.url is unset) and this build has no embedded PostgreSQL "
                + "binaries for " + system + " " + architecture + " (the image and jars built with "
                + "-DwithoutEmbeddedPostgres carry none)", cause);
    }
}
