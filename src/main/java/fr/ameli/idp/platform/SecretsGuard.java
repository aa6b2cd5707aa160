package fr.ameli.idp.platform;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.StringUtils;

/**
 * Refuses to start with a secret anyone can know. The code holds no secret default: each secret comes from
 * {@code config/} (development values, public in this repository) or from the environment. Once the embedded
 * default is off (an external PostgreSQL: {@code idp.embedded.active} is not set), each secret must be set,
 * differ from the development value shipped in {@code config/application.yml} and be at least
 * {@value #MIN_BYTES} bytes long; otherwise the start-up fails with {@link InsecureSecretsException}, which names
 * the properties and their variables (never the values). With the embedded default only a missing secret is
 * refused. The federation client secret is checked only when a provider is configured.
 *
 * <p>Runs after {@link fr.ameli.idp.embedded.EmbeddedInfrastructure}, which says whether it provided the database.
 */
public final class SecretsGuard implements EnvironmentPostProcessor, Ordered {

    static final int MIN_BYTES = 32;

    /** A secret property, the variable that sets it in production, and the values shipped for development. */
    record Secret(String property, String variable, Set<String> developmentValues) {
    }

    static final List<Secret> SECRETS = List.of(
            new Secret("idp.subject.pairwise-secret", "IDP_SUBJECT_PAIRWISE_SECRET",
                    Set.of("dev-only-pairwise-secret-change-me-in-production-0123456789")),
            new Secret("idp.keys.encryption-key", "IDP_KEYS_ENCRYPTION_KEY",
                    Set.of("N6Lc66HxtvyujAqPR9aUrBF3Ty8nZUI6SKay/w4WlpA=")),
            new Secret("idp.federation.client-secret", "IDP_FEDERATION_CLIENT_SECRET",
                    Set.of("dev-only-federation-secret-0123456789abcdef")));

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 2;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        boolean embedded = env.getProperty("idp.embedded.active", Boolean.class, false);
        List<String> problems = new ArrayList<>();
        for (Secret secret : SECRETS) {
            if (secret.property().startsWith("idp.federation.")
                    && !StringUtils.hasText(env.getProperty("idp.federation.issuer-uri"))) {
                continue;
            }
            String problem = problem(secret, env.getProperty(secret.property()), embedded);
            if (problem != null) {
                problems.add(secret.property() + " (" + secret.variable() + ") " + problem);
            }
        }
        if (!problems.isEmpty()) {
            throw new InsecureSecretsException(problems);
        }
    }

    /** What is wrong with a value, or null. Never quotes the value. */
    static String problem(Secret secret, String value, boolean embedded) {
        if (!StringUtils.hasText(value)) {
            return "is not set";
        }
        if (embedded) {
            return null;
        }
        if (secret.developmentValues().contains(value.trim())) {
            return "is the development value shipped in config/application.yml";
        }
        if (value.getBytes(StandardCharsets.UTF_8).length < MIN_BYTES) {
            return "is shorter than " + MIN_BYTES + " bytes";
        }
        return null;
    }
}
