package fr.ameli.idp.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code idp.federation.*} is validated at start-up: a wrong setting never waits for the first login. */
class ProviderConfigTests {

    static FederationProperties properties(String alg, String secret, String scopes, String auth, String format) {
        return new FederationProperties("https://fc.example/api/v2", "client", secret, scopes, "eidas1", auth, alg, format, "",
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofHours(1),
                Duration.ofMinutes(10), 5);
    }

    @Test
    void ofWhenDefaultsThenFranceConnectV2Registration() {
        ProviderConfig config = ProviderConfig.of(properties("ES256", "s", "openid given_name family_name", "client_secret_post",
                "jwt"));
        assertThat(config.idTokenAlg()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(config.userinfoAlg()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(config.tokenAuth()).isEqualTo(ProviderConfig.TokenAuth.CLIENT_SECRET_POST);
        assertThat(config.userinfoFormat()).isEqualTo(ProviderConfig.UserinfoFormat.JWT);
        assertThat(config.requiredAcr()).isEqualTo("eidas1");
        assertThat(config.toString()).doesNotContain("secret");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "alg none                  | none  | a-secret-of-at-least-thirty-two-bytes | openid | client_secret_post  | jwt",
            "HS256 with a short secret | HS256 | short                                 | openid | client_secret_post  | jwt",
            "HS384                     | HS384 | a-secret-of-at-least-thirty-two-bytes | openid | client_secret_post  | jwt",
            "no openid scope           | ES256 | s                                     | email  | client_secret_post  | jwt",
            "unknown auth method       | ES256 | s                                     | openid | private_key_jwt     | jwt",
            "unknown userinfo format   | ES256 | s                                     | openid | client_secret_basic | xml",
    })
    void ofWhenSettingWrongThenStartUpFails(String name, String alg, String secret, String scopes, String auth,
            String format) {
        assertThatThrownBy(() -> ProviderConfig.of(properties(alg, secret, scopes, auth, format)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ofWhenLegacyHs256WithLongSecretThenAccepted() {
        assertThat(ProviderConfig.of(properties("HS256", "a-secret-of-at-least-thirty-two-bytes", "openid",
                "client_secret_basic", "json")).idTokenAlg()).isEqualTo(JWSAlgorithm.HS256);
    }
}
