package fr.ameli.idp.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * README « Security », table « Limits », says the numbers the code applies: each limit's default (the typed
 * {@link LimitProperties}) is the value of {@code config/application.yml}, and the table row of that input states
 * it in words ({@code 10 wrong per NIR per 15 min}).
 */
class LimitsDocumentationTests {

    static final LimitProperties DEFAULTS = new LimitProperties(new LimitProperties.Login(null, null),
            new LimitProperties.SecurityCode(null, null, Duration.ofHours(24)),
            new LimitProperties.ProvisionalCode(null, Duration.ofHours(24)), new LimitProperties.ForgottenCode(null, null),
            new LimitProperties.Enrollment(null, null, null, null), new LimitProperties.SelfService(null),
            new LimitProperties.ClientSecret(null, null), new LimitProperties.Captcha(null));

    /** The property, its default, the start of its row in the table, and how the row words it ({@code %s}: the number). */
    static List<Arguments> limits() {
        return List.of(
                Arguments.of("login.per-nir", DEFAULTS.login().perNir(), "| password", "%d wrong per NIR per %s"),
                Arguments.of("login.per-address", DEFAULTS.login().perAddress(), "| password", "%d wrong per %s"),
                Arguments.of("security-code.failures-per-account", DEFAULTS.securityCode().failuresPerAccount(),
                        "| security code", "%d wrong per account per %s"),
                Arguments.of("security-code.codes-per-account", DEFAULTS.securityCode().codesPerAccount(),
                        "| security code", "%d codes sent per account per %s"),
                Arguments.of("provisional-code.failures-per-nir", DEFAULTS.provisionalCode().failuresPerNir(),
                        "| provisional code", "%d wrong per NIR per %s across codes"),
                Arguments.of("forgotten-code.per-nir", DEFAULTS.forgottenCode().perNir(), "| « Code oublié ? » request",
                        "%d per NIR per %s"),
                Arguments.of("forgotten-code.per-address", DEFAULTS.forgottenCode().perAddress(),
                        "| « Code oublié ? » request", "| %d per %s |"),
                Arguments.of("enrollment.identity-per-nir", DEFAULTS.enrollment().identityPerNir(), "| identity",
                        "%d submissions per NIR per %s"),
                Arguments.of("enrollment.identity-per-address", DEFAULTS.enrollment().identityPerAddress(), "| identity",
                        "| %d per %s |"),
                Arguments.of("enrollment.proof-per-nir", DEFAULTS.enrollment().proofPerNir(), "| IBAN + carte Vitale proof",
                        "%d submissions per NIR per %s"),
                Arguments.of("enrollment.proof-per-address", DEFAULTS.enrollment().proofPerAddress(),
                        "| IBAN + carte Vitale proof", "| %d per %s |"),
                Arguments.of("self-service.current-password-per-account", DEFAULTS.selfService().currentPasswordPerAccount(),
                        "| current password", "%d wrong per account per %s"),
                Arguments.of("client-secret.per-client", DEFAULTS.clientSecret().perClient(), "| client secret",
                        "%d wrong per client_id per %s"),
                Arguments.of("client-secret.per-address", DEFAULTS.clientSecret().perAddress(), "| client secret",
                        "| %d wrong per %s |"),
                Arguments.of("captcha.per-address", DEFAULTS.captcha().perAddress(), "| captcha (issuance",
                        "| %d per %s (pages and app together) |"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limits")
    void limitWhenDocumentedThenReadmeAndConfigurationSayTheDefault(String property, FixedWindow window, String row,
            String wording) throws IOException {
        String[] path = property.split("\\.");
        Map<?, ?> configured = (Map<?, ?>) ((Map<?, ?>) limitsYaml().get(path[0])).get(path[1]);
        assertThat(configured).as("config/application.yml idp.limits.%s", property).isNotNull();
        assertThat(configured.get("limit")).as("idp.limits.%s.limit", property).isEqualTo(window.limit());
        assertThat(duration(String.valueOf(configured.get("length")))).as("idp.limits.%s.length", property)
                .isEqualTo(window.length());

        List<String> rows = Files.readAllLines(Path.of("README.md")).stream().filter(line -> line.startsWith(row)).toList();
        assertThat(rows).as("README limits table row %s", row).hasSize(1);
        assertThat(rows.get(0)).contains(String.format(wording, window.limit(), words(window.length())));
    }

    private static Map<?, ?> limitsYaml() throws IOException {
        Map<?, ?> root = new Yaml().load(Files.readString(Path.of("config/application.yml")));
        return (Map<?, ?>) ((Map<?, ?>) root.get("idp")).get("limits");
    }

    /** {@code 15m}, {@code 1h}, {@code 24h}, as the configuration writes them. */
    private static Duration duration(String text) {
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException(text);
        };
    }

    /** As the table words a window: {@code hour}, {@code 24 h}, {@code 15 min}. */
    private static String words(Duration length) {
        if (length.equals(Duration.ofHours(1))) {
            return "hour";
        }
        return length.toMinutesPart() == 0 && length.toSeconds() % 3600 == 0 ? length.toHours() + " h"
                : length.toMinutes() + " min";
    }
}
