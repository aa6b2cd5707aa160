package fr.ameli.idp.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.mock.env.MockEnvironment;

/** The embedded default without PostgreSQL binaries (the image's jar): a clear failure, or no look at all. */
class EmbeddedInfrastructureTests {

    @TempDir
    Path dataDir;

    @Test
    void postProcessWhenNoDatabaseAndNoBinariesThenFailsSayingWhatToConfigure() {
        EmbeddedInfrastructure embedded = new EmbeddedInfrastructure(new DeferredLogs(), (system, architecture) -> {
            // what zonky's DefaultPostgresBinaryResolver throws when the classpath holds no binaries
            throw new IllegalStateException("Missing embedded postgres binaries");
        });
        MockEnvironment env = new MockEnvironment().withProperty("idp.embedded.data-dir", dataDir.toString());

        assertThatThrownBy(() -> embedded.postProcessEnvironment(env, new SpringApplication()))
                .hasRootCauseMessage("Missing embedded postgres binaries")
                .satisfies(failure -> {
                    FailureAnalysis analysis = new EmbeddedDatabaseFailureAnalyzer().analyze(failure);
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("spring.r2dbc.url is unset")
                            .contains("no embedded PostgreSQL binaries");
                    assertThat(analysis.getAction()).contains("SPRING_R2DBC_URL").contains("SPRING_FLYWAY_URL");
                });
        assertThat(env.getProperty("spring.r2dbc.url")).isNull();
    }

    @Test
    void postProcessWhenDatabaseConfiguredThenNeverLooksForBinaries() {
        EmbeddedInfrastructure embedded = new EmbeddedInfrastructure(new DeferredLogs(), (system, architecture) -> {
            throw new AssertionError("binaries looked for");
        });
        MockEnvironment env = new MockEnvironment().withProperty("spring.r2dbc.url", "r2dbc:postgresql://db:5432/ameli")
                .withProperty("idp.embedded.data-dir", dataDir.toString());

        embedded.postProcessEnvironment(env, new SpringApplication());

        assertThat(env.getActiveProfiles()).doesNotContain(EmbeddedInfrastructure.PROFILE);
        assertThat(env.getProperty(EmbeddedInfrastructure.ACTIVE)).isNull();
    }

    @Test
    void postProcessWhenEmbeddedDisabledThenNeverLooksForBinaries() {
        EmbeddedInfrastructure embedded = new EmbeddedInfrastructure(new DeferredLogs(), (system, architecture) -> {
            throw new AssertionError("binaries looked for");
        });
        MockEnvironment env = new MockEnvironment().withProperty("idp.embedded.enabled", "false")
                .withProperty("idp.embedded.data-dir", dataDir.toString());

        embedded.postProcessEnvironment(env, new SpringApplication());

        assertThat(env.getProperty(EmbeddedInfrastructure.ACTIVE)).isNull();
    }
}
