package fr.ameli.idp.embedded;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link EmbeddedDatabaseUnavailableException} into Boot's "APPLICATION FAILED TO START" report, with the fix. */
final class EmbeddedDatabaseFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedDatabaseUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedDatabaseUnavailableException cause) {
        return new FailureAnalysis(cause.getMessage() + ".",
                "Point the service at a PostgreSQL: set SPRING_R2DBC_URL, SPRING_R2DBC_USERNAME, SPRING_R2DBC_PASSWORD "
                        + "and SPRING_FLYWAY_URL, SPRING_FLYWAY_USER, SPRING_FLYWAY_PASSWORD (README, \"An external "
                        + "PostgreSQL\"). For the embedded default, run from a build made on Linux or macOS (amd64 or arm64) "
                        + "without -DwithoutEmbeddedPostgres.", cause);
    }
}
