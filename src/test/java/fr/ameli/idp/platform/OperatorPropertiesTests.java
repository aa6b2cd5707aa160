package fr.ameli.idp.platform;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.OperatorApi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The operator token: at least 32 bytes, or none at all (the operator API is then off); checked at start-up. */
class OperatorPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(OperatorProperties.class)
    static class Binding {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Binding.class);

    @ParameterizedTest
    @ValueSource(strings = {"test-operator-token", "0123456789abcdef0123456789abcde", "  0123456789abcdef0123456789abcde  ",
            "éééééééééééééé"})
    void startWhenTokenShorterThan32BytesThenFailsNamingTheProperty(String token) {
        context.withPropertyValues("idp.operator.token=" + token).run(started -> {
            assertThat(started).hasFailed();
            assertThat(started.getStartupFailure()).rootCause()
                    .hasMessageContaining("idp.operator.token (IDP_OPERATOR_TOKEN) is shorter than 32 bytes")
                    .hasMessageNotContaining(token.trim());
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0123456789abcdef0123456789abcdef | true",
            "éééééééééééééééé | true", // 16 characters, 32 bytes in UTF-8
            OperatorApi.TOKEN + " | true",
            "'' | false",
            "'   ' | false"})
    void startWhenTokenLongEnoughOrAbsentThenStartsAndApiOnOnlyWithToken(String token, boolean enabled) {
        context.withPropertyValues("idp.operator.token=" + token).run(started -> {
            assertThat(started).hasNotFailed();
            assertThat(started.getBean(OperatorProperties.class).enabled()).isEqualTo(enabled);
            assertThat(started.getBean(OperatorProperties.class).port()).isEqualTo(8082);
        });
    }
}
