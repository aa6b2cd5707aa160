package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.client.ClientProperties;
import fr.ameli.idp.client.RelyingParties;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * Issue 10: client secrets at /token are limited per {@code client_id} and per client address (config
 * {@code idp.limits.client-secret}: 20 wrong per 15 minutes per client, 50 wrong per hour per address); a right secret
 * does not count (nor cost a statement); beyond, {@code invalid_client} (RFC 6749 §5.2) with {@code Retry-After}, even
 * a right secret refused unchecked.
 * Each test registers a client of its own, so that the demo client's budget is left to the other tests.
 */
@IdpIntegrationTest
class ClientSecretLimitTests {

    private static final String REDIRECT = "http://localhost:9876/limit";

    @LocalServerPort
    int port;

    @Autowired
    RelyingParties relyingParties;

    WebTestClient http;
    String clientId;
    String secret;

    @BeforeEach
    void setUp() {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        clientId = "limit-rp-" + UUID.randomUUID();
        secret = "limit-secret-" + UUID.randomUUID();
        relyingParties.register(new ClientProperties(clientId, "Limite (test)", OidcFlowTests.sha256(secret),
                List.of("client_secret_basic", "client_secret_post"), List.of(REDIRECT), List.of(), List.of("openid"),
                "ES256", null, "limit.example", null, false, null, null, null, null, null, null, false, false, null),
                "test").block();
    }

    @Test
    void tokenWhenTwentyWrongSecretsForOneClientThenRefusedEvenWithTheRightSecretAndRetryAfter() {
        for (int i = 1; i <= 19; i++) {
            assertInvalidClientUnlimited(basic(newAddress(), clientId, "wrong-" + i));
        }
        // A right secret is checked (the grant is what fails) and does not count.
        basic(newAddress(), clientId, secret).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
        assertInvalidClientUnlimited(basic(newAddress(), clientId, "wrong-20"));

        // The 21st: refused unchecked, from a fresh address, with the right secret, by either method.
        EntityExchangeResult<byte[]> refused = post(newAddress(), clientId, secret)
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Basic.*")
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client").returnResult();
        assertThat(Long.parseLong(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 900L);
        assertThat(basic(newAddress(), clientId, secret).expectStatus().isUnauthorized().returnResult(byte[].class)
                .getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotNull();
    }

    @Test
    void tokenWhenFiftyWrongSecretsFromOneAddressThenThatAddressRefusedAndOthersNot() {
        String address = newAddress();
        for (int i = 1; i <= 50; i++) {
            // Unknown clients, each tried once: only the address limit can refuse.
            assertInvalidClientUnlimited(post(address, "unknown-rp-" + UUID.randomUUID(), "wrong"));
        }
        EntityExchangeResult<byte[]> refused = basic(address, clientId, secret).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client").returnResult();
        assertThat(Long.parseLong(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 3600L);
        // Another address is not concerned, and the client's own budget was not used by the refused try.
        basic(newAddress(), clientId, secret).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
    }

    private static void assertInvalidClientUnlimited(WebTestClient.ResponseSpec response) {
        response.expectStatus().isUnauthorized()
                .expectHeader().doesNotExist(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client");
    }

    private WebTestClient.ResponseSpec basic(String address, String id, String presented) {
        String credentials = Base64.getEncoder().encodeToString((id + ":" + presented).getBytes(StandardCharsets.UTF_8));
        return http.post().uri("/token").header("X-Forwarded-For", address)
                .header(HttpHeaders.AUTHORIZATION, "Basic " + credentials)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("grant_type", "authorization_code").with("code", "unknown-code")
                        .with("redirect_uri", REDIRECT).with("code_verifier", "v".repeat(43)))
                .exchange();
    }

    private WebTestClient.ResponseSpec post(String address, String id, String presented) {
        return http.post().uri("/token").header("X-Forwarded-For", address)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("grant_type", "authorization_code").with("code", "unknown-code")
                        .with("redirect_uri", REDIRECT).with("code_verifier", "v".repeat(43))
                        .with("client_id", id).with("client_secret", presented))
                .exchange();
    }

    private static String newAddress() {
        return TestBrowser.newClientAddress();
    }
}
