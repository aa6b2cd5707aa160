package fr.ameli.idp.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class KeyPropertiesTests {

    @Test
    void bindWhenNothingConfiguredThenDefaults() {
        KeyProperties properties = bind(new MapPropertySource("empty", Map.of()));

        assertThat(properties.encryptionKey()).isNull();
        assertThat(properties.rotationPeriod()).isEqualTo(Duration.ofDays(30));
        assertThat(properties.publishAhead()).isEqualTo(Duration.ofHours(1));
        assertThat(properties.retainAfterRetire()).isEqualTo(Duration.ofHours(1));
        assertThat(properties.refreshInterval()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void bindWhenEnvironmentVariablesThenUsed() {
        KeyProperties properties = bind(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of("IDP_KEYS_ENCRYPTION_KEY", "from-env", "IDP_KEYS_ROTATION_PERIOD", "7d")));

        assertThat(properties.encryptionKey()).isEqualTo("from-env");
        assertThat(properties.rotationPeriod()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void newWhenRotationPeriodNotLongerThanPublishAheadThenRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new KeyProperties("k", Duration.ofHours(1),
                Duration.ofHours(1), null, null));
    }

    @Test
    void newWhenRetainAfterRetireZeroThenRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new KeyProperties("k", null, null, Duration.ZERO, null));
    }

    @Test
    void toStringWhenKeySetThenHidesIt() {
        assertThat(new KeyProperties("c2VjcmV0", null, null, null, null).toString()).doesNotContain("c2VjcmV0");
    }

    private static KeyProperties bind(org.springframework.core.env.PropertySource<?> source) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        env.getPropertySources().addFirst(source);
        return new Binder(ConfigurationPropertySources.get(env)).bindOrCreate("idp.keys", KeyProperties.class);
    }
}
