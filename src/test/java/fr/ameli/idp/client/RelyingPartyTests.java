package fr.ameli.idp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

class RelyingPartyTests {

    static final String SECRET_SHA256 = "064b949b39d0c8a1681b716f86064f2d1060b4a324db953e91dcf943051f99a7";

    static ClientProperties client(List<String> redirectUris, List<String> methods, String idAlg, String userinfoAlg) {
        return new ClientProperties("rp", "RP", SECRET_SHA256, methods, redirectUris, List.of(), List.of("openid", "profile"),
                idAlg, userinfoAlg, null, null, null);
    }

    @ParameterizedTest
    @CsvSource({
            "https://rp.example/callback, true",
            "https://rp.example/callback?x=1, true",
            "http://localhost:9876/callback, true",
            "http://127.0.0.1/cb, true",
            "http://rp.example/callback, false",
            "https://rp.example/callback#fragment, false",
            "/relative/callback, false",
            "javascript:alert(1), false",
            "https://, false"
    })
    void fromWhenRedirectUriThenAcceptedOnlyIfAbsoluteHttpsWithoutFragment(String uri, boolean accepted) {
        if (accepted) {
            assertThat(RelyingParty.from(client(List.of(uri), List.of("client_secret_basic"), null, null)).hasRedirectUri(uri))
                    .isTrue();
        } else {
            assertThatThrownBy(() -> RelyingParty.from(client(List.of(uri), List.of("client_secret_basic"), null, null)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void hasRedirectUriWhenOnlyPrefixOrCaseDiffersThenFalse() {
        RelyingParty rp = RelyingParty.from(client(List.of("https://rp.example/callback"), List.of("client_secret_basic"), null, null));
        assertThat(rp.hasRedirectUri("https://rp.example/callback")).isTrue();
        assertThat(rp.hasRedirectUri("https://rp.example/callback/")).isFalse();
        assertThat(rp.hasRedirectUri("https://rp.example/callbackx")).isFalse();
        assertThat(rp.hasRedirectUri("https://RP.example/callback")).isFalse();
        assertThat(rp.hasRedirectUri("https://rp.example/callback?x")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"ES256, true", "RS256, true", "HS256, false", "none, false", "PS512, false"})
    void fromWhenIdTokenAlgThenOnlyEs256OrRs256(String alg, boolean accepted) {
        if (accepted) {
            assertThat(RelyingParty.from(client(List.of("https://rp.example/cb"), List.of("client_secret_basic"), alg, alg))
                    .idTokenAlg()).isEqualTo(JWSAlgorithm.parse(alg));
        } else {
            assertThatThrownBy(() -> RelyingParty.from(client(List.of("https://rp.example/cb"), List.of("client_secret_basic"), alg, null)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void fromWhenNoIdTokenAlgThenEs256AndJsonUserinfo() {
        RelyingParty rp = RelyingParty.from(client(List.of("https://rp.example/cb"), null, null, null));
        assertThat(rp.idTokenAlg()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(rp.userinfoAlg()).isNull();
        assertThat(rp.allows(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)).isTrue();
        assertThat(rp.sector()).as("sector defaults to the redirect URI host").isEqualTo("rp.example");
    }

    @Test
    void fromWhenPublicClientThenPkceRequired() {
        ClientProperties p = new ClientProperties("app", null, null, List.of("none"), List.of("https://app.example/cb"),
                null, List.of("openid"), null, null, null, null, null);
        assertThat(RelyingParty.from(p).requiresPkce()).isTrue();
    }

    /** Issue 10, item 9: « none » next to a secret method would let the client skip both the secret and PKCE. */
    @Test
    void fromWhenNoneMixedWithAnotherMethodThenRejected() {
        ClientProperties mixed = new ClientProperties("rp", null, SECRET_SHA256, List.of("client_secret_basic", "none"),
                List.of("https://rp.example/cb"), null, List.of("openid"), null, null, null, null, null);
        assertThatThrownBy(() -> RelyingParty.from(mixed)).hasMessageContaining("none cannot be mixed");
    }

    /** Issue 10, item 9: PKCE for every client by default (RFC 9700); off only when asked, never for a public one. */
    @Test
    void fromWhenConfidentialClientThenPkceRequiredUnlessRegisteredAsLegacy() {
        assertThat(RelyingParty.from(client(List.of("https://rp.example/cb"), null, null, null)).requiresPkce()).isTrue();
        ClientProperties legacy = new ClientProperties("rp", null, SECRET_SHA256, null, List.of("https://rp.example/cb"),
                null, List.of("openid"), null, null, null, null, false);
        assertThat(RelyingParty.from(legacy).requiresPkce()).isFalse();
        ClientProperties publicWithout = new ClientProperties("app", null, null, List.of("none"),
                List.of("https://app.example/cb"), null, List.of("openid"), null, null, null, null, false);
        assertThatThrownBy(() -> RelyingParty.from(publicWithout)).hasMessageContaining("require-pkce");
    }

    @Test
    void fromWhenSecretMethodWithoutSecretThenRejected() {
        ClientProperties p = new ClientProperties("rp", null, null, List.of("client_secret_post"), List.of("https://rp.example/cb"),
                null, List.of("openid"), null, null, null, null, null);
        assertThatThrownBy(() -> RelyingParty.from(p)).hasMessageContaining("client-secret-sha256");
    }

    @Test
    void fromWhenScopeUnknownOrOpenidMissingThenRejected() {
        assertThatThrownBy(() -> RelyingParty.from(new ClientProperties("rp", null, SECRET_SHA256, null,
                List.of("https://rp.example/cb"), null, List.of("profile"), null, null, null, null, null)))
                .hasMessageContaining("scopes");
        assertThatThrownBy(() -> RelyingParty.from(new ClientProperties("rp", null, SECRET_SHA256, null,
                List.of("https://rp.example/cb"), null, List.of("openid", "nir"), null, null, null, null, null)))
                .hasMessageContaining("scopes");
    }

    @Test
    void secretMatchesWhenSameSecretThenTrueOtherwiseFalse() {
        RelyingParty rp = RelyingParty.from(client(List.of("https://rp.example/cb"), null, null, null));
        assertThat(rp.secretMatches("demo-rp-secret-0123456789abcdef0123456789")).isTrue();
        assertThat(rp.secretMatches("demo-rp-secret-0123456789abcdef012345678")).isFalse();
        assertThat(rp.secretMatches("")).isFalse();
    }

    static ClientProperties backchannel(String uri, Boolean sessionRequired) {
        return new ClientProperties("rp", "RP", SECRET_SHA256, List.of("client_secret_basic"), List.of("https://rp.example/cb"),
                List.of(), List.of("openid"), null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                uri, sessionRequired);
    }

    @Test
    void fromWhenBackchannelLogoutUriThenKeptOnlyIfAbsoluteHttpsWithoutFragment() {
        RelyingParty rp = RelyingParty.from(backchannel("https://rp.example/logout?x=1", true));
        assertThat(rp.backchannelLogoutUri()).hasToString("https://rp.example/logout?x=1");
        assertThat(rp.backchannelLogoutSessionRequired()).isTrue();
        assertThat(RelyingParty.from(backchannel(null, null)).backchannelLogoutUri()).isNull();
        assertThat(RelyingParty.from(backchannel("http://localhost:8000/logout", false)).backchannelLogoutUri()).isNotNull();
        assertThatThrownBy(() -> RelyingParty.from(backchannel("http://rp.example/logout", null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RelyingParty.from(backchannel("https://rp.example/logout#f", null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RelyingParty.from(backchannel(null, true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backchannel_logout_session_required");
    }
}
