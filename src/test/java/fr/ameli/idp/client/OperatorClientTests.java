package fr.ameli.idp.client;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.OperatorApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@IdpIntegrationTest
class OperatorClientTests {

    static final String METADATA = """
            {"client_name": "Mairie (test)", "redirect_uris": ["https://mairie.example/cb"],
             "token_endpoint_auth_method": "client_secret_post",
             "client_secret_sha256": "064b949b39d0c8a1681b716f86064f2d1060b4a324db953e91dcf943051f99a7",
             "scope": "openid profile", "sector": "mairie.example"}""";

    @LocalServerPort
    int port;

    @Value("${" + OperatorApi.PORT + "}")
    int operatorPort;

    @Autowired
    RelyingParties clients;

    WebTestClient http;

    WebTestClient operator;

    @BeforeEach
    void setUp() {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        operator = OperatorApi.anonymous(operatorPort);
    }

    @Test
    void putClientWhenOperatorTokenThenRegisteredAndUsableForAuthorization() {
        operator.put().uri("/operator/clients/mairie").headers(h -> h.setBearerAuth(OperatorApi.TOKEN))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(METADATA)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.client_id").isEqualTo("mairie");

        http.get().uri(uri -> uri.path("/authorize").queryParam("client_id", "mairie")
                        .queryParam("redirect_uri", "https://mairie.example/cb").queryParam("response_type", "code")
                        .queryParam("scope", "openid").queryParam("state", "s1").queryParam("nonce", "n".repeat(32))
                        .queryParam("code_challenge", CHALLENGE).queryParam("code_challenge_method", "S256").build())
                .exchange().expectStatus().isSeeOther()
                .expectHeader().value("Location", l -> org.assertj.core.api.Assertions.assertThat(l).startsWith("/login?auth="));
    }

    static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    /** Issue 10, item 9: without require_pkce the client must send PKCE (RFC 9700); require_pkce false: a legacy RP. */
    @Test
    void putClientWhenRequirePkceAbsentThenAuthorizeWithoutPkceRefusedUnlessRegisteredAsLegacy() {
        operator.put().uri("/operator/clients/mairie-pkce").headers(h -> h.setBearerAuth(OperatorApi.TOKEN))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(METADATA)
                .exchange().expectStatus().isOk();
        http.get().uri(uri -> withoutPkce(uri.path("/authorize"), "mairie-pkce").build())
                .exchange().expectStatus().isSeeOther()
                .expectHeader().value("Location", l -> org.assertj.core.api.Assertions.assertThat(l)
                        .startsWith("https://mairie.example/cb?").contains("error=invalid_request").contains("state=s1"));

        operator.put().uri("/operator/clients/mairie-legacy").headers(h -> h.setBearerAuth(OperatorApi.TOKEN))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(METADATA.replace("\"sector\"", "\"require_pkce\": false, \"sector\""))
                .exchange().expectStatus().isOk();
        http.get().uri(uri -> withoutPkce(uri.path("/authorize"), "mairie-legacy").build())
                .exchange().expectStatus().isSeeOther()
                .expectHeader().value("Location", l -> org.assertj.core.api.Assertions.assertThat(l).startsWith("/login?auth="));

        operator.put().uri("/operator/clients/mairie-typo").headers(h -> h.setBearerAuth(OperatorApi.TOKEN))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(METADATA.replace("\"sector\"", "\"require_pkce\": \"no\", \"sector\""))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client_metadata");
    }

    private static org.springframework.web.util.UriBuilder withoutPkce(org.springframework.web.util.UriBuilder uri, String client) {
        return uri.queryParam("client_id", client).queryParam("redirect_uri", "https://mairie.example/cb")
                .queryParam("response_type", "code").queryParam("scope", "openid").queryParam("state", "s1")
                .queryParam("nonce", "n".repeat(32));
    }

    @Test
    void putClientWhenNoOrWrongTokenThenUnauthorized() {
        operator.put().uri("/operator/clients/intrus").contentType(MediaType.APPLICATION_JSON).bodyValue(METADATA)
                .exchange().expectStatus().isUnauthorized();
        operator.put().uri("/operator/clients/intrus").headers(h -> h.setBearerAuth("guess"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(METADATA)
                .exchange().expectStatus().isUnauthorized();
        org.assertj.core.api.Assertions.assertThat(clients.find("intrus").blockOptional()).isEmpty();
    }

    /** Issue 10, item 9: {@code none} is never registered next to a secret, which would let the client skip both. */
    @Test
    void putClientWhenNoneWithASecretOrASecretMethodThenInvalidClientMetadataAndNothingStored() {
        operator.put().uri("/operator/clients/mairie-none-secret").headers(h -> h.setBearerAuth(OperatorApi.TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(METADATA.replace("\"client_secret_post\"", "\"none\""))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client_metadata");
        operator.put().uri("/operator/clients/mairie-none-secret").headers(h -> h.setBearerAuth(OperatorApi.TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(METADATA.replace("\"client_secret_post\"", "\"none client_secret_post\""))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client_metadata");
        org.assertj.core.api.Assertions.assertThat(clients.find("mairie-none-secret").blockOptional()).isEmpty();
        // Without the secret, none alone is a public client (with PKCE).
        operator.put().uri("/operator/clients/mairie-public").headers(h -> h.setBearerAuth(OperatorApi.TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(METADATA.replace("\"client_secret_post\"", "\"none\"").replace(
                        "\"client_secret_sha256\": \"064b949b39d0c8a1681b716f86064f2d1060b4a324db953e91dcf943051f99a7\",", ""))
                .exchange().expectStatus().isOk();
    }

    @Test
    void putClientWhenMetadataInvalidThenInvalidClientMetadataAndNothingStored() {
        operator.put().uri("/operator/clients/bad-rp").headers(h -> h.setBearerAuth(OperatorApi.TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(METADATA.replace("https://mairie.example/cb", "http://mairie.example/cb"))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client_metadata");
        org.assertj.core.api.Assertions.assertThat(clients.find("bad-rp").blockOptional()).isEmpty();
    }
}
