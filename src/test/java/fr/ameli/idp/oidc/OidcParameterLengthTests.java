package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.client.ClientProperties;
import fr.ameli.idp.client.RelyingParties;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Bounded lengths of what the provider stores (issue 10 #12): each authorization parameter is refused one character
 * over its limit, with {@code invalid_request} sent back to the relying party, and accepted at the limit; an
 * over-long state is a page; a private_key_jwt {@code jti} is bounded; the database refuses what slips through.
 * POSTed: a GET request line is cut by the HTTP server (4 KB) before these limits matter.
 */
@IdpIntegrationTest
class OidcParameterLengthTests {

    static final String JWT_CLIENT = "rp-jti-length";

    @LocalServerPort
    int port;

    @Autowired
    RelyingParties relyingParties;

    @Autowired
    DatabaseClient db;

    WebTestClient http;

    static RSAKey clientKey;

    @BeforeEach
    void setUp() throws Exception {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        if (clientKey == null) {
            clientKey = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        }
        relyingParties.register(new ClientProperties(JWT_CLIENT, "Jti (test)", null, List.of("private_key_jwt"),
                List.of("https://jti.example/cb"), List.of(), List.of("openid"), "ES256", null, "jti.example",
                new JWKSet(clientKey.toPublicJWK()).toString(), false), "test").block();
    }

    /** Each bounded parameter, its limit, and a value of exactly that length the provider accepts. */
    static Stream<Arguments> limits() {
        return Stream.of(
                Arguments.of("nonce", 512, "n".repeat(512)),
                Arguments.of("scope", 1024, padded("openid", 1024)),
                Arguments.of("claims", 4096, padded("{\"id_token\":{\"amr\":{\"essential\":true}}}", 4096)),
                Arguments.of("ui_locales", 256, padded("fr-FR", 256)),
                Arguments.of("acr_values", 256, padded("eidas1", 256)),
                Arguments.of("prompt", 64, padded("login", 64)),
                Arguments.of("login_hint", 512, "h".repeat(512)));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("limits")
    void authorizeWhenParameterOneCharacterOverItsLimitThenInvalidRequestToTheClient(String name, int max,
            String atLimit) {
        URI location = authorize(Map.of(name, atLimit + " ")).getResponseHeaders().getLocation();

        assertThat(location.toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?");
        Map<String, String> query = UriComponentsBuilder.fromUri(location).build().getQueryParams().toSingleValueMap();
        assertThat(query).containsEntry("error", "invalid_request").containsEntry("state", "length-state");
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("limits")
    void authorizeWhenParameterAtItsLimitThenAccepted(String name, int max, String atLimit) {
        assertThat(atLimit).hasSize(max);

        URI location = authorize(Map.of(name, atLimit)).getResponseHeaders().getLocation();

        assertThat(location.getPath()).isEqualTo("/login");
    }

    @Test
    void authorizeWhenCodeChallengeOverItsLimitThenInvalidRequest() {
        URI location = authorize(Map.of("code_challenge", "c".repeat(129), "code_challenge_method", "S256"))
                .getResponseHeaders().getLocation();

        assertThat(UriComponentsBuilder.fromUri(location).build().getQueryParams().getFirst("error"))
                .isEqualTo("invalid_request");
    }

    @Test
    void authorizeWhenStateOverItsLimitThenFrenchPageAndNoRedirect() {
        EntityExchangeResult<byte[]> over = authorize(Map.of("state", "s".repeat(513)));

        assertThat(over.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(over.getResponseHeaders().getLocation()).isNull();
        assertThat(authorize(Map.of("state", "s".repeat(512))).getResponseHeaders().getLocation().getPath())
                .isEqualTo("/login");
    }

    @Test
    void pendingAuthorizationWhenOverlongValueWrittenAnywayThenTheDatabaseRefusesIt() {
        assertThatThrownBy(() -> db.sql("insert into pending_authorization (id, client_id, redirect_uri, scope, state, "
                        + "nonce, acr, ui_locales, created_at, expires_at) values ('too-long', 'demo-rp', 'x', 'openid', "
                        + "'s', 'n', 'eidas1', :ui, now(), now())")
                .bind("ui", "f".repeat(257)).then().block())
                .hasMessageContaining("pending_authorization_ui_locales_length");
    }

    @Test
    void tokenWhenAssertionJtiOverItsLimitThenInvalidClient() throws Exception {
        // A bogus code: authentication comes first, so a valid client gets invalid_grant and a refused one invalid_client.
        http.post().uri("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(tokenRequest("j".repeat(257))))
                .exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client");
        http.post().uri("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(tokenRequest("k".repeat(256))))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
    }

    private EntityExchangeResult<byte[]> authorize(Map<String, String> changed) {
        Map<String, String> params = new LinkedHashMap<>(Map.of("response_type", "code", "client_id",
                OidcTestClient.DEMO_CLIENT, "redirect_uri", OidcTestClient.DEMO_REDIRECT, "scope", "openid",
                "state", "length-state", "nonce", "n".repeat(32), "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method", "S256"));
        params.putAll(changed);
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        params.forEach(form::add);
        return http.post().uri("/authorize").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form)).exchange().expectBody().returnResult();
    }

    private MultiValueMap<String, String> tokenRequest(String jti) throws Exception {
        Instant now = Instant.now();
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(clientKey.getKeyID())
                .type(JOSEObjectType.JWT).build(), new JWTClaimsSet.Builder().issuer(JWT_CLIENT).subject(JWT_CLIENT)
                .audience("http://localhost:" + port + "/token").jwtID(jti).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60))).build());
        assertion.sign(new RSASSASigner(clientKey));
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("grant_type", "authorization_code");
        form.add("code", "no-such-code");
        form.add("redirect_uri", "https://jti.example/cb");
        form.add("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.add("client_assertion", assertion.serialize());
        return form;
    }

    /** {@code value} followed by spaces up to {@code length}: the provider trims them, the length check counts them. */
    private static String padded(String value, int length) {
        return value + " ".repeat(length - value.length());
    }
}
