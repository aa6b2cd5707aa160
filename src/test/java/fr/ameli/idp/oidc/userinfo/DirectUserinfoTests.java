package fr.ameli.idp.oidc.userinfo;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.PipelineRequests;
import fr.ameli.idp.client.ClientProperties;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.platform.Secrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Userinfo's bearer GET answered in front of the WebFlux pipeline ({@link DirectUserinfo}): answered there only when
 * it succeeds, with the answer the routed handler gives the same token (a POST, which always goes through the
 * pipeline): same status, same headers, same claims; in the same {@code http.server.requests} series; and every other
 * request, every failure first, reaches the pipeline, which answers it as before.
 */
@IdpIntegrationTest
class DirectUserinfoTests {

    private static final String MARTIN = "2850575112034";
    private static final String ALL_SCOPES = "openid profile email birth identite_pivot";
    private static final String JSON_CLIENT = "rp-direct-json";

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    DatabaseClient db;

    @Autowired
    Clock clock;

    @Autowired
    RelyingParties relyingParties;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void signedWhenBearerGetThenAnsweredInFrontAsThePipelineAnswersIt() throws Exception {
        String token = token("demo-rp", ALL_SCOPES, Duration.ofMinutes(1), false, null);

        Answers answers = getAndPost(token);
        assertThat(answers.inFront().headers().firstValue("Content-Type")).hasValue("application/jwt");
        SignedJWT inFront = SignedJWT.parse(answers.inFront().body());
        SignedJWT routed = SignedJWT.parse(answers.routed().body());
        assertThat(inFront.getHeader().toJSONObject()).isEqualTo(routed.getHeader().toJSONObject());
        assertSameClaims(inFront.getJWTClaimsSet(), routed.getJWTClaimsSet());
        assertThat(inFront.getJWTClaimsSet().getClaims()).containsKeys("sub", "given_name", "family_name", "email",
                "birthdate", "iss", "aud", "iat", "exp");
    }

    @Test
    void jsonWhenBearerGetThenAnsweredInFrontAsThePipelineAnswersIt() throws Exception {
        relyingParties.register(new ClientProperties(JSON_CLIENT, "Userinfo JSON (test)",
                java.util.HexFormat.of().formatHex(Secrets.sha256("direct-json-secret-0123456789abcdef0123456")), List.of("client_secret_post"),
                List.of("https://json.example/callback"), List.of(), List.of("openid", "identite_pivot", "email"),
                "RS256", null, "json.example", null, false), "test").block();
        String token = token(JSON_CLIENT, "openid identite_pivot email", Duration.ofMinutes(1), false, null);

        Answers answers = getAndPost(token);
        assertThat(answers.inFront().headers().firstValue("Content-Type")).hasValue("application/json");
        // No time in a JSON answer: the same bytes.
        assertThat(answers.inFront().body()).isEqualTo(answers.routed().body()).contains("\"given_name\":\"Claire")
                .contains("\"birthplace\"");
    }

    @Test
    void encryptedWhenBearerGetThenAnsweredInFrontAsThePipelineAnswersIt() throws Exception {
        String token = token("demo-rp-fcplus", ALL_SCOPES, Duration.ofMinutes(1), false, null);

        Answers answers = getAndPost(token);
        RSADecrypter decrypter = new RSADecrypter(JWK.parse(Files.readString(
                Path.of("config/demo/demo-rp-fcplus-private-key.jwk.json"))).toRSAKey());
        EncryptedJWT inFront = EncryptedJWT.parse(answers.inFront().body());
        EncryptedJWT routed = EncryptedJWT.parse(answers.routed().body());
        inFront.decrypt(decrypter);
        routed.decrypt(decrypter);
        assertThat(inFront.getHeader().getKeyID()).isEqualTo(routed.getHeader().getKeyID()).isNotNull();
        assertSameClaims(inFront.getPayload().toSignedJWT().getJWTClaimsSet(),
                routed.getPayload().toSignedJWT().getJWTClaimsSet());
    }

    /** Each failure, and each request not a plain bearer GET, is the pipeline's to answer, with its own error. */
    @Test
    void failureOrOtherRequestWhenSentThenThePipelineAnswersIt() throws Exception {
        String expired = token("demo-rp", ALL_SCOPES, Duration.ofSeconds(-1), false, null);
        String revoked = token("demo-rp", ALL_SCOPES, Duration.ofMinutes(1), true, null);
        String dpopBound = token("demo-rp", ALL_SCOPES, Duration.ofMinutes(1), false, "jkt-of-some-key");
        String gone = token("rp-direct-gone", "openid", Duration.ofMinutes(1), false, null);
        String valid = token("demo-rp", ALL_SCOPES, Duration.ofMinutes(1), false, null);

        Map<String, Exchange> invalid = Map.of(
                "unknown", call("GET", "Bearer " + UUID.randomUUID()),
                "expired", call("GET", "Bearer " + expired),
                "revoked", call("GET", "Bearer " + revoked),
                "client no longer registered", call("GET", "Bearer " + gone),
                "empty bearer", call("GET", "Bearer "));
        invalid.forEach((what, exchange) -> {
            assertThat(exchange.reachedPipeline()).as(what).isTrue();
            assertThat(exchange.response().statusCode()).as(what).isEqualTo(401);
            assertThat(exchange.response().headers().firstValue("WWW-Authenticate")).as(what).get().asString()
                    .startsWith("Bearer error=\"invalid_token\"");
        });

        Exchange bearerForBound = call("GET", "Bearer " + dpopBound);
        assertThat(bearerForBound.reachedPipeline()).isTrue();
        assertThat(bearerForBound.response().statusCode()).isEqualTo(401);
        assertThat(bearerForBound.response().headers().firstValue("WWW-Authenticate")).get().asString().startsWith("DPoP");

        Exchange dpopScheme = call("GET", "DPoP " + valid);
        assertThat(dpopScheme.reachedPipeline()).isTrue();
        assertThat(dpopScheme.response().statusCode()).isEqualTo(401);

        Exchange noToken = call("GET", null);
        assertThat(noToken.reachedPipeline()).isTrue();
        assertThat(noToken.response().statusCode()).isEqualTo(401);

        // The same valid token, once more in front: the refusals above were not for the token's sake.
        assertThat(call("GET", "bearer " + valid)).satisfies(e -> {
            assertThat(e.reachedPipeline()).as("the scheme's case does not matter (RFC 9110 §11.1)").isFalse();
            assertThat(e.response().statusCode()).isEqualTo(200);
        });
    }

    @Test
    void requestsMetricWhenAnsweredInFrontThenCountedInTheSeriesOfTheRoutedAnswers() throws Exception {
        String token = token("demo-rp", ALL_SCOPES, Duration.ofMinutes(1), false, null);
        // One answer by the pipeline, so that its series exists: Prometheus needs every series of a metric to have
        // the same label names, which this scrape checks (the registry refuses a meter with other tag keys).
        assertThat(call("POST", "Bearer " + token).response().statusCode()).isEqualTo(200);
        Map<String, Double> before = requestCounts();

        for (int i = 0; i < 3; i++) {
            assertThat(call("GET", "Bearer " + token).response().statusCode()).isEqualTo(200);
        }

        Map<String, Double> after = requestCounts();
        String get = series(after, "GET");
        String post = series(after, "POST");
        assertThat(after.get(get) - before.getOrDefault(get, 0.0)).isEqualTo(3.0);
        assertThat(labelNames(get)).isEqualTo(labelNames(post));
    }

    private record Exchange(HttpResponse<String> response, boolean reachedPipeline) {
    }

    /** A userinfo request with {@code authorization} (none if null), marked so that we know if the pipeline saw it. */
    private Exchange call(String method, @Nullable String authorization) throws Exception {
        String id = UUID.randomUUID().toString();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/userinfo"))
                .header(PipelineRequests.HEADER, id)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Exchange(response, PipelineRequests.reachedPipeline(id));
    }

    /** An access token of person 1 for {@code clientId}, stored as the token endpoint stores one. */
    private String token(String clientId, String scope, Duration lifetime, boolean revoked, @Nullable String dpopJkt) {
        String token = UUID.randomUUID() + "." + UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        DatabaseClient.GenericExecuteSpec insert = db.sql("""
                insert into access_token (token_hash, client_id, account_id, scope, expires_at, revoked_at, dpop_jkt)
                select :hash, :client, id, :scope, :expires, :revoked, :jkt from account where nir = :nir""")
                .bind("hash", Secrets.sha256(token)).bind("client", clientId).bind("scope", scope)
                .bind("expires", now.plus(lifetime)).bind("nir", MARTIN);
        insert = revoked ? insert.bind("revoked", now) : insert.bindNull("revoked", OffsetDateTime.class);
        insert = dpopJkt != null ? insert.bind("jkt", dpopJkt) : insert.bindNull("jkt", String.class);
        assertThat(insert.fetch().rowsUpdated().block()).isEqualTo(1L);
        return token;
    }

    /** The token's userinfo by GET, answered in front, and by POST, through the pipeline: 200, with the same headers. */
    private record Answers(HttpResponse<String> inFront, HttpResponse<String> routed) {
    }

    private Answers getAndPost(String token) throws Exception {
        Exchange get = call("GET", "Bearer " + token);
        Exchange post = call("POST", "Bearer " + token);
        assertThat(get.reachedPipeline()).as("GET answered in front").isFalse();
        assertThat(post.reachedPipeline()).as("POST through the pipeline").isTrue();
        assertThat(get.response().statusCode()).isEqualTo(200);
        assertThat(post.response().statusCode()).isEqualTo(200);
        // The same headers, but for the date (if any).
        assertThat(headers(get.response())).isEqualTo(headers(post.response()))
                .containsKeys("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
                        "cache-control");
        return new Answers(get.response(), post.response());
    }

    private static Map<String, List<String>> headers(HttpResponse<String> response) {
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(), values));
        headers.remove("date");
        return headers;
    }

    /** The same claims but for the times of issue and expiry, which may fall in two seconds; the same lifetime. */
    private static void assertSameClaims(JWTClaimsSet inFront, JWTClaimsSet routed) {
        Map<String, Object> a = new TreeMap<>(inFront.getClaims());
        Map<String, Object> b = new TreeMap<>(routed.getClaims());
        for (Map<String, Object> claims : List.of(a, b)) {
            claims.remove("iat");
            claims.remove("exp");
        }
        assertThat(a).isEqualTo(b);
        assertThat(inFront.getExpirationTime().getTime() - inFront.getIssueTime().getTime())
                .isEqualTo(routed.getExpirationTime().getTime() - routed.getIssueTime().getTime());
    }

    private static final Pattern COUNT = Pattern.compile("(?m)^http_server_requests_seconds_count\\{([^}]*)} (\\S+)$");

    /** The count of each userinfo series of http.server.requests, by its labels. */
    private Map<String, Double> requestCounts() throws Exception {
        HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort
                + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Map<String, Double> counts = new TreeMap<>();
        Matcher m = COUNT.matcher(scrape.body());
        while (m.find()) {
            if (m.group(1).contains("uri=\"/userinfo\"")) {
                counts.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return counts;
    }

    private static String series(Map<String, Double> counts, String method) {
        return counts.keySet().stream().filter(labels -> labels.contains("method=\"" + method + "\"")
                && labels.contains("status=\"200\"")).findFirst().orElseThrow(() -> new AssertionError(
                        "no 200 series for " + method + " in " + counts));
    }

    private static List<String> labelNames(String labels) {
        return Pattern.compile("(\\w+)=\"").matcher(labels).results().map(r -> r.group(1)).sorted().toList();
    }
}
