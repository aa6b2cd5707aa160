package fr.ameli.idp.oidc.userinfo;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.PipelineRequests;
import fr.ameli.idp.RequestMetrics;
import fr.ameli.idp.web.InFrontRequests;
import fr.ameli.idp.SqlStatements;
import fr.ameli.idp.TestAccessTokens;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Userinfo's bearer GET answered in front of the WebFlux pipeline ({@link DirectUserinfo}): answered there only when
 * it succeeds, with the answer the routed handler gives the same token (a POST, which always goes through the
 * pipeline): same status, same headers, same claims; in the same {@code http.server.requests} series; and every other
 * request, every failure first, reaches the pipeline, which answers it as before.
 */
@IdpIntegrationTest
class DirectUserinfoTests {

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
                "scheme without a token", call("GET", "Bearer "));
        invalid.forEach((what, exchange) -> {
            assertThat(exchange.reachedPipeline()).as(what).isTrue();
            assertThat(exchange.response().statusCode()).as(what).isEqualTo(401);
            assertThat(exchange.response().headers().firstValue("WWW-Authenticate")).as(what).get().asString()
                    .startsWith("Bearer error=\"invalid_token\"");
        });

        // A refusal costs what it cost before the answer in front, the lookup being handed over to the pipeline: the
        // token's statement, and for a client no longer registered the search of its registration (registrations
        // are cached, absences not).
        Map<String, Integer> statements = Map.of(UUID.randomUUID().toString(), 1, expired, 1, revoked, 1, gone, 2);
        statements.forEach((token, expected) -> {
            String log = SqlStatements.newLog();
            try {
                assertThat(call("GET", "Bearer " + token, Map.of(SqlStatements.HEADER, log)).response().statusCode())
                        .isEqualTo(401);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertThat(SqlStatements.ofService(log)).as("statements of a refused GET").hasSize(expected);
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

        // HEAD, and paths that are not exactly /userinfo, are the pipeline's to route (it has no HEAD route here).
        Exchange head = call("HEAD", "Bearer " + valid);
        assertThat(head.reachedPipeline()).isTrue();
        assertThat(head.response().statusCode()).isEqualTo(404);
        Map<String, Integer> otherPaths = Map.of("/userinfo/", 404, "/Userinfo", 404, "/userinfo;x", 400);
        for (Map.Entry<String, Integer> path : otherPaths.entrySet()) {
            Exchange other = call("GET", "Bearer " + valid, Map.of(), path.getKey());
            assertThat(other.reachedPipeline()).as(path.getKey()).isTrue();
            assertThat(other.response().statusCode()).as(path.getKey()).isEqualTo(path.getValue());
        }

        // The same valid token, once more in front: the refusals above were not for the token's sake. The query,
        // which neither path reads, does not matter either, nor the scheme's case (RFC 9110 §11.1).
        assertThat(call("GET", "bearer " + valid, Map.of(), "/userinfo?x=1")).satisfies(e -> {
            assertThat(e.reachedPipeline()).isFalse();
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
            Exchange get = call("GET", "Bearer " + token);
            assertThat(get.reachedPipeline()).isFalse();
            assertThat(get.response().statusCode()).isEqualTo(200);
        }

        // Timed once the answer is written, which the client may read first: wait for the count.
        Map<String, Double> after = requestCounts();
        for (int wait = 0; wait < 50 && count(after, "GET") - count(before, "GET") < 3.0; wait++) {
            Thread.sleep(20);
            after = requestCounts();
        }
        assertThat(count(after, "GET") - count(before, "GET")).isEqualTo(3.0);
        assertThat(series(after, "GET").replace("method=\"GET\"", "method=\"POST\"")).as("labels but the method")
                .isEqualTo(series(after, "POST"));
    }

    @Test
    void requestsMetricWhenConfiguredOtherwiseThenUserinfoThroughThePipeline() {
        assertThat(InFrontRequests.conflict(new ObservationProperties(), false)).isNull();
        assertThat(InFrontRequests.conflict(new ObservationProperties(), true)).contains("ObservationConvention");
        ObservationProperties tagged = new ObservationProperties();
        tagged.getKeyValues().put("region", "paris");
        assertThat(InFrontRequests.conflict(tagged, false)).contains("key-values");
        for (String prefix : List.of("all", "http", "http.server", "http.server.requests")) {
            ObservationProperties off = new ObservationProperties();
            off.getEnable().put(prefix, false);
            assertThat(InFrontRequests.conflict(off, false)).as(prefix).contains("turns the request observation off");
        }
        ObservationProperties others = new ObservationProperties();
        others.getEnable().put("http.client", false);
        others.getEnable().put("http.server.req", false);
        others.getEnable().put("http.server.requests", true);
        assertThat(InFrontRequests.conflict(others, false)).isNull();
        ObservationProperties renamed = new ObservationProperties();
        renamed.getHttp().getServer().getRequests().setName("ameli.requests");
        renamed.getEnable().put("ameli", false);
        assertThat(InFrontRequests.conflict(renamed, false)).isNotNull();
    }

    private record Exchange(HttpResponse<String> response, boolean reachedPipeline) {
    }

    /** A userinfo request with {@code authorization} (none if null), marked so that we know if the pipeline saw it. */
    private Exchange call(String method, @Nullable String authorization) throws Exception {
        return call(method, authorization, Map.of());
    }

    private Exchange call(String method, @Nullable String authorization, Map<String, String> headers) throws Exception {
        return call(method, authorization, headers, "/userinfo");
    }

    private Exchange call(String method, @Nullable String authorization, Map<String, String> headers, String path)
            throws Exception {
        String id = UUID.randomUUID().toString();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header(PipelineRequests.HEADER, id)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Exchange(response, PipelineRequests.reachedPipeline(id));
    }

    private String token(String clientId, String scope, Duration lifetime, boolean revoked, @Nullable String dpopJkt) {
        return TestAccessTokens.issue(db, clock, clientId, scope, lifetime, revoked, dpopJkt);
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

    private Map<String, Double> requestCounts() throws Exception {
        return RequestMetrics.counts(managementPort, "/userinfo");
    }

    private static double count(Map<String, Double> counts, String method) {
        return RequestMetrics.count(counts, "method=\"" + method + "\"", "outcome=\"SUCCESS\"");
    }

    private static String series(Map<String, Double> counts, String method) {
        return RequestMetrics.series(counts, "method=\"" + method + "\"", "outcome=\"SUCCESS\"");
    }
}
