package fr.ameli.idp.oidc.token;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.SqlStatements;
import fr.ameli.idp.TestAccessTokens;
import fr.ameli.idp.oidc.shared.AuthorizationCode;
import fr.ameli.idp.oidc.shared.AuthorizationCodes;
import fr.ameli.idp.oidc.shared.Pkce;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * The exchange of sealed codes: a code is checked against client, redirect URI, expiry and PKCE verifier from the code
 * itself, so that a code refused for any of these costs no statement and stays usable by its rightful client; one that
 * passes is exchanged once, its single-use key taken by the access token; a second exchange revokes that token.
 */
@IdpIntegrationTest
class AuthorizationCodeGrantTests {

    private static final String CLIENT = "demo-rp";
    private static final String SECRET = "demo-rp-secret-0123456789abcdef0123456789";
    private static final String REDIRECT = "http://localhost:9876/callback";
    private static final String VERIFIER = "verifier-" + "v".repeat(40);

    @LocalServerPort
    int port;

    @Autowired
    AuthorizationCodes codes;

    @Autowired
    DatabaseClient db;

    @Autowired
    Clock clock;

    WebTestClient http;
    UUID person1;

    @BeforeEach
    void setUp() {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        person1 = db.sql("select id from account where nir = :nir").bind("nir", TestAccessTokens.PERSON_1)
                .map(row -> row.get("id", UUID.class)).one().block();
    }

    private AuthorizationCode code(String client, UUID account, @Nullable String challenge, Instant issued, Duration ttl) {
        return new AuthorizationCode(AuthorizationCodes.newId(), client, AuthorizationCode.hashOf(REDIRECT), account, "openid profile", "nonce-1",
                challenge, issued.minusSeconds(5), "eidas1", List.of("pwd"), false, issued, issued.plus(ttl), "sid-1");
    }

    private AuthorizationCode code() {
        return code(CLIENT, person1, Pkce.s256(VERIFIER), clock.instant(), Duration.ofSeconds(30));
    }

    private WebTestClient.ResponseSpec exchange(String code, String redirect, @Nullable String verifier, String log) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("grant_type", "authorization_code");
        form.add("code", code);
        form.add("redirect_uri", redirect);
        if (verifier != null) {
            form.add("code_verifier", verifier);
        }
        return http.post().uri("/token")
                .header(HttpHeaders.AUTHORIZATION, "Basic " + Base64.getEncoder()
                        .encodeToString((CLIENT + ":" + SECRET).getBytes(StandardCharsets.UTF_8)))
                .header(SqlStatements.HEADER, log)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    private static void invalidGrant(WebTestClient.ResponseSpec response) {
        response.expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
    }

    private long tokensOf(AuthorizationCode code) {
        return db.sql("select count(*) as n from access_token where code_hash = :id").bind("id", code.id())
                .map(row -> row.get("n", Long.class)).one().block();
    }

    @Test
    void exchangeWhenRefusedOnTheCodeItselfThenNoStatementAndTheRightfulExchangeStillWorks() {
        AuthorizationCode issued = code();
        String sealed = codes.seal(issued);
        char last = sealed.charAt(sealed.length() - 2);
        Map<String, WebTestClient.ResponseSpec> refused = new java.util.LinkedHashMap<>();
        String log = SqlStatements.newLog();
        refused.put("other redirect_uri", exchange(sealed, REDIRECT + "/other", VERIFIER, log));
        refused.put("no verifier", exchange(sealed, REDIRECT, null, log));
        refused.put("wrong verifier", exchange(sealed, REDIRECT, "other-" + "w".repeat(40), log));
        refused.put("altered code", exchange(sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A')
                + sealed.charAt(sealed.length() - 1), REDIRECT, VERIFIER, log));
        refused.put("unknown code", exchange("unknown-" + UUID.randomUUID(), REDIRECT, VERIFIER, log));
        refused.forEach((what, response) -> invalidGrant(response));

        assertThat(SqlStatements.ofService(log)).as("refused from the code alone").isEmpty();
        assertThat(tokensOf(issued)).isZero();
        exchange(sealed, REDIRECT, VERIFIER, SqlStatements.newLog()).expectStatus().isOk()
                .expectBody().jsonPath("$.access_token").isNotEmpty().jsonPath("$.scope").isEqualTo("openid profile");
        assertThat(tokensOf(issued)).isOne();
    }

    @Test
    void exchangeWhenSealedForAnotherClientOrExpiredThenInvalidGrant() {
        Instant now = clock.instant();
        String log = SqlStatements.newLog();
        invalidGrant(exchange(codes.seal(code("other-rp", person1, Pkce.s256(VERIFIER), now, Duration.ofSeconds(30))),
                REDIRECT, VERIFIER, log));
        invalidGrant(exchange(codes.seal(code(CLIENT, person1, Pkce.s256(VERIFIER), now.minusSeconds(31),
                Duration.ofSeconds(30))), REDIRECT, VERIFIER, log));

        assertThat(SqlStatements.ofService(log)).isEmpty();
    }

    @Test
    void exchangeWhenTheAccountIsGoneThenInvalidGrantAndNoToken() {
        AuthorizationCode orphan = code(CLIENT, UUID.randomUUID(), Pkce.s256(VERIFIER), clock.instant(),
                Duration.ofSeconds(30));
        String log = SqlStatements.newLog();

        invalidGrant(exchange(codes.seal(orphan), REDIRECT, VERIFIER, log));

        assertThat(tokensOf(orphan)).isZero();
        assertThat(SqlStatements.ofService(log)).as("the exchange, then the revocation of nothing").hasSize(2);
    }

    /**
     * A code of the previous format, stored by a replica of the previous version during a rolling update (the row as it
     * wrote it): exchanged once, with what it stored; a second exchange revokes the token.
     */
    @Test
    void exchangeWhenACodeOfThePreviousFormatThenExchangedOnceAsBefore() throws Exception {
        String code = fr.ameli.idp.platform.Secrets.newHandle();
        java.time.OffsetDateTime now = java.time.OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
        db.sql("""
                        insert into authorization_code (code_hash, client_id, redirect_uri, account_id, scope, nonce,
                            code_challenge, auth_time, acr, amr, amr_requested, created_at, expires_at, sid)
                        values (:hash, :client, :redirect, :account, 'openid profile', 'previous-nonce', :challenge, :now,
                            'eidas1', '{pwd}', false, :now, :expires, 'previous-sid')""")
                .bind("hash", fr.ameli.idp.platform.Secrets.sha256(code)).bind("client", CLIENT).bind("redirect", REDIRECT)
                .bind("account", person1).bind("challenge", Pkce.s256(VERIFIER)).bind("now", now)
                .bind("expires", now.plusSeconds(30))
                .then().block();

        Map<?, ?> body = exchange(code, REDIRECT, VERIFIER, SqlStatements.newLog()).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        com.nimbusds.jwt.JWTClaimsSet idToken = com.nimbusds.jwt.SignedJWT.parse(body.get("id_token").toString())
                .getJWTClaimsSet();
        invalidGrant(exchange(code, REDIRECT, VERIFIER, SqlStatements.newLog()));

        assertThat(idToken.getStringClaim("nonce")).isEqualTo("previous-nonce");
        assertThat(idToken.getStringClaim("sid")).isEqualTo("previous-sid");
        http.get().uri("/userinfo").header(HttpHeaders.AUTHORIZATION, "Bearer " + body.get("access_token")).exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void exchangeWhenTheSameCodeTwiceThenOneTokenAndTheSecondExchangeRevokesIt() {
        AuthorizationCode issued = code();
        String sealed = codes.seal(issued);
        String first = exchange(sealed, REDIRECT, VERIFIER, SqlStatements.newLog()).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("access_token").toString();
        String log = SqlStatements.newLog();

        invalidGrant(exchange(sealed, REDIRECT, VERIFIER, log));

        assertThat(tokensOf(issued)).isOne();
        assertThat(SqlStatements.ofService(log)).hasSize(2);
        assertThat(SqlStatements.ofService(log).getFirst()).contains("on conflict (code_hash) do nothing");
        http.get().uri("/userinfo").header(HttpHeaders.AUTHORIZATION, "Bearer " + first).exchange()
                .expectStatus().isUnauthorized();
    }
}
