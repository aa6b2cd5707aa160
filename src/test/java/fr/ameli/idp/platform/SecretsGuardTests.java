package fr.ameli.idp.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import fr.ameli.idp.IdpApplication;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

/**
 * Issue 10, item 5: with an external database the real application refuses to start on the development secrets of
 * config/application.yml, or on short ones, and says which and how to fix it, never quoting a value.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsGuardTests {

    static final String DEV_PAIRWISE = "dev-only-pairwise-secret-change-me-in-production-0123456789";
    static final String DEV_KEY = "N6Lc66HxtvyujAqPR9aUrBF3Ty8nZUI6SKay/w4WlpA=";

    /** The real application, read from ./config/ as in production, pointed at an external database. */
    private static void start(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(Map.of(
                // never reached: the guard runs before any connection
                "spring.r2dbc.url", "r2dbc:postgresql://localhost:1/ameli",
                "spring.flyway.url", "jdbc:postgresql://localhost:1/ameli",
                "spring.mail.host", "localhost",
                "server.port", "0", "management.server.port", "0", "idp.operator.port", "0"));
        all.putAll(properties);
        // command-line arguments: above ./config/application.yml, as the environment is in production
        new SpringApplicationBuilder(IdpApplication.class)
                .run(all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new))
                .close();
    }

    @Test
    void startWhenExternalDatabaseAndShippedDevelopmentSecretsThenRefusedNamingEach(CapturedOutput output) {
        assertThatThrownBy(() -> start(Map.of()))
                .isInstanceOf(InsecureSecretsException.class)
                .satisfies(e -> assertThat(((InsecureSecretsException) e).problems()).containsExactly(
                        "idp.subject.pairwise-secret (IDP_SUBJECT_PAIRWISE_SECRET) is the development value shipped in "
                                + "config/application.yml",
                        "idp.keys.encryption-key (IDP_KEYS_ENCRYPTION_KEY) is the development value shipped in "
                                + "config/application.yml"));
        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
                .contains("idp.subject.pairwise-secret (IDP_SUBJECT_PAIRWISE_SECRET)")
                .contains("openssl rand -base64 32")
                .doesNotContain(DEV_PAIRWISE).doesNotContain(DEV_KEY);
    }

    @Test
    void startWhenExternalDatabaseAndShortSecretThenRefused() {
        assertThatThrownBy(() -> start(Map.of("idp.subject.pairwise-secret", "short-but-not-shipped-31-bytes!",
                "idp.keys.encryption-key", random(32))))
                .isInstanceOf(InsecureSecretsException.class)
                .hasMessageContaining("idp.subject.pairwise-secret (IDP_SUBJECT_PAIRWISE_SECRET) is shorter than 32 bytes")
                .hasMessageNotContaining("idp.keys.encryption-key");
    }

    @Test
    void guardWhenFederationConfiguredWithItsDevelopmentSecretThenRefusedElseAccepted() {
        SecretsGuard guard = new SecretsGuard();
        MockEnvironment strong = new MockEnvironment()
                .withProperty("idp.subject.pairwise-secret", random(48))
                .withProperty("idp.keys.encryption-key", random(32));
        assertThatNoException().isThrownBy(() -> guard.postProcessEnvironment(strong, new SpringApplication()));

        strong.withProperty("idp.federation.issuer-uri", "https://fc.example/api/v2")
                .withProperty("idp.federation.client-secret", "dev-only-federation-secret-0123456789abcdef");
        assertThatThrownBy(() -> guard.postProcessEnvironment(strong, new SpringApplication()))
                .hasMessageContaining("idp.federation.client-secret (IDP_FEDERATION_CLIENT_SECRET) is the development value");

        MockEnvironment missing = new MockEnvironment().withProperty("idp.keys.encryption-key", random(32));
        assertThatThrownBy(() -> guard.postProcessEnvironment(missing, new SpringApplication()))
                .hasMessageContaining("idp.subject.pairwise-secret (IDP_SUBJECT_PAIRWISE_SECRET) is not set");
    }

    @Test
    void guardWhenEmbeddedDefaultThenDevelopmentValuesAccepted() {
        MockEnvironment embedded = new MockEnvironment().withProperty("idp.embedded.active", "true")
                .withProperty("idp.subject.pairwise-secret", DEV_PAIRWISE).withProperty("idp.keys.encryption-key", DEV_KEY);
        assertThatNoException().isThrownBy(() -> new SecretsGuard().postProcessEnvironment(embedded, new SpringApplication()));
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new java.security.SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
