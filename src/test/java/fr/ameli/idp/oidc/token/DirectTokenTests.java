package fr.ameli.idp.oidc.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.PipelineRequests;
import fr.ameli.idp.RequestMetrics;
import fr.ameli.idp.SqlStatements;
import fr.ameli.idp.TestAccessTokens;
import fr.ameli.idp.platform.Secrets;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import fr.ameli.idp.oidc.shared.AuthorizationCode;
import fr.ameli.idp.oidc.shared.AuthorizationCodes;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The token endpoint's form post answered in front of the WebFlux pipeline ({@link DirectToken}): answered there only
 * when it succeeds, with the answer the routed handler gives the same exchange (a body sent in chunks, whose length is
 * not known in advance, always goes through the pipeline): same status, same headers, same members and ID token
 * claims; in the same {@code http.server.requests} series. Every other request, every failure first, reaches the
 * pipeline, which answers it as before, without doing again what the try in front did (ClientSecretLimitTests counts
 * wrong secrets one by one through this path too).
 */
@IdpIntegrationTest
class DirectTokenTests {

    private static final String CLIENT = "demo-rp";
    private static final String SECRET = "demo-rp-secret-0123456789abcdef0123456789";
    private static final String REDIRECT = "http://localhost:9876/callback";

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    DatabaseClient db;

    @Autowired
    Clock clock;

    @Autowired
    AuthorizationCodes codes;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void successWhenFormPostThenAnsweredInFrontAsThePipelineAnswersIt() throws Exception {
        String nonce = "nonce-" + UUID.randomUUID();
        Exchange inFront = post(exchangeOf(code(nonce)), basic(CLIENT, SECRET), false, Map.of());
        Exchange routed = post(exchangeOf(code(nonce)), basic(CLIENT, SECRET), true, Map.of());

        assertThat(inFront.reachedPipeline()).as("a form of known length answered in front").isFalse();
        assertThat(routed.reachedPipeline()).as("a chunked form through the pipeline").isTrue();
        assertThat(inFront.response().statusCode()).isEqualTo(200);
        assertThat(routed.response().statusCode()).isEqualTo(200);
        // The same headers, but for the date; the lengths differ by what the two access tokens and signatures do not.
        assertThat(headers(inFront.response())).isEqualTo(headers(routed.response()))
                .containsEntry("content-type", List.of("application/json"))
                .containsEntry("cache-control", List.of("no-store"))
                .containsEntry("pragma", List.of("no-cache"))
                .containsKeys("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy");

        Map<String, Object> a = JSONObjectUtils.parse(inFront.response().body());
        Map<String, Object> b = JSONObjectUtils.parse(routed.response().body());
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet())
                .containsExactly("access_token", "token_type", "expires_in", "id_token", "scope");
        for (String member : List.of("token_type", "expires_in", "scope")) {
            assertThat(a.get(member)).as(member).isEqualTo(b.get(member));
        }
        assertThat(a.get("access_token")).isNotEqualTo(b.get("access_token"));
        SignedJWT inFrontIdToken = SignedJWT.parse((String) a.get("id_token"));
        SignedJWT routedIdToken = SignedJWT.parse((String) b.get("id_token"));
        assertThat(inFrontIdToken.getHeader().toJSONObject()).isEqualTo(routedIdToken.getHeader().toJSONObject());
        assertSameClaims(inFrontIdToken.getJWTClaimsSet(), routedIdToken.getJWTClaimsSet());
        assertThat(inFrontIdToken.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo(nonce);

        // The access token issued in front is stored as the pipeline stores it: userinfo accepts it.
        HttpResponse<String> userinfo = http.send(HttpRequest.newBuilder(URI.create(base() + "/userinfo"))
                .header("Authorization", "Bearer " + a.get("access_token")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(userinfo.statusCode()).isEqualTo(200);
    }

    /** Each failure, and each request not a plain form post of known length, is the pipeline's to answer. */
    @Test
    void failureOrOtherRequestWhenSentThenThePipelineAnswersIt() throws Exception {
        Map<String, Exchange> invalidClient = Map.of(
                "wrong secret", post(exchangeOf(code("n")), basic(CLIENT, "wrong-" + UUID.randomUUID()), false, Map.of()),
                "unknown client", post(exchangeOf(code("n")), basic("rp-" + UUID.randomUUID(), SECRET), false, Map.of()),
                "no client authentication", post(exchangeOf(code("n")), null, false, Map.of()));
        invalidClient.forEach((what, exchange) -> {
            assertThat(exchange.reachedPipeline()).as(what).isTrue();
            assertThat(exchange.response().statusCode()).as(what).isEqualTo(401);
            assertThat(exchange.response().body()).as(what).contains("\"invalid_client\"");
        });

        Map<String, String> grantType = new LinkedHashMap<>(exchangeOf(code("n")));
        grantType.put("grant_type", "refresh_token");
        Map<String, Exchange> refused = Map.of(
                "unknown code", post(exchangeOf("unknown-" + UUID.randomUUID()), basic(CLIENT, SECRET), false, Map.of()),
                "other redirect_uri", post(Map.of("grant_type", "authorization_code", "code", code("n"),
                        "redirect_uri", REDIRECT + "/other"), basic(CLIENT, SECRET), false, Map.of()),
                "unsupported grant type", post(grantType, basic(CLIENT, SECRET), false, Map.of()));
        Map<String, String> errors = Map.of("unknown code", "invalid_grant", "other redirect_uri", "invalid_grant",
                "unsupported grant type", "unsupported_grant_type");
        refused.forEach((what, exchange) -> {
            assertThat(exchange.reachedPipeline()).as(what).isTrue();
            assertThat(exchange.response().statusCode()).as(what).isEqualTo(400);
            assertThat(exchange.response().body()).as(what).contains("\"" + errors.get(what) + "\"");
        });

        // A parameter sent twice: refused by the pipeline, which reads the same body again.
        Exchange twice = postRaw(form(exchangeOf(code("n"))) + "&code=again", basic(CLIENT, SECRET), false,
                "application/x-www-form-urlencoded", Map.of());
        assertThat(twice.reachedPipeline()).isTrue();
        assertThat(twice.response().statusCode()).isEqualTo(400);
        assertThat(twice.response().body()).contains("invalid_request").contains("more than once");

        // Not a form, a DPoP proof, a body above the bound, another method: never read in front.
        Exchange json = postRaw("{}", basic(CLIENT, SECRET), false, "application/json", Map.of());
        assertThat(json.reachedPipeline()).isTrue();
        assertThat(json.response().statusCode()).isEqualTo(400);
        Exchange dpop = post(exchangeOf(code("n")), basic(CLIENT, SECRET), false, Map.of("DPoP", "not.a.proof"));
        assertThat(dpop.reachedPipeline()).isTrue();
        assertThat(dpop.response().body()).contains("invalid_dpop_proof");
        Map<String, String> padded = new LinkedHashMap<>(exchangeOf(code("n")));
        padded.put("padding", "x".repeat(DirectToken.MAX_BODY));
        Exchange large = post(padded, basic(CLIENT, SECRET), false, Map.of());
        assertThat(large.reachedPipeline()).isTrue();
        assertThat(large.response().statusCode()).as("a valid exchange, however long").isEqualTo(200);
        String id = UUID.randomUUID().toString();
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base() + "/token"))
                .header(PipelineRequests.HEADER, id).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(PipelineRequests.reachedPipeline(id)).isTrue();
        assertThat(get.statusCode()).as("no GET route").isEqualTo(404);
    }

    /**
     * A failure in front is handed over with what it was: the pipeline renders it without running the exchange again.
     * A replayed code: the exchange's statement, then the revocation of what its first use issued (RFC 6749 §4.1.2),
     * once, as through the pipeline alone; the token issued in front is revoked.
     */
    @Test
    void replayWhenHandedOverThenItsStatementsRunOnce() throws Exception {
        String code = code("n");
        Exchange first = post(exchangeOf(code), basic(CLIENT, SECRET), false, Map.of());
        assertThat(first.reachedPipeline()).isFalse();
        String accessToken = (String) JSONObjectUtils.parse(first.response().body()).get("access_token");

        String log = SqlStatements.newLog();
        Exchange replay = post(exchangeOf(code), basic(CLIENT, SECRET), false, Map.of(SqlStatements.HEADER, log));
        assertThat(replay.reachedPipeline()).isTrue();
        assertThat(replay.response().statusCode()).isEqualTo(400);
        assertThat(replay.response().body()).contains("invalid_grant");
        assertThat(SqlStatements.ofService(log)).as("the exchange, then the revocation").hasSize(2);
        assertThat(SqlStatements.ofService(log).get(1)).contains("update access_token set revoked_at");

        HttpResponse<String> userinfo = http.send(HttpRequest.newBuilder(URI.create(base() + "/userinfo"))
                .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(userinfo.statusCode()).isEqualTo(401);
    }

    /** A wrong secret tried in front is counted once (under which address: ClientSecretLimitTests, through this path). */
    @Test
    void wrongSecretWhenHandedOverThenCountedOnce() throws Exception {
        String log = SqlStatements.newLog();
        Exchange wrong = post(exchangeOf(code("n")), basic(CLIENT, "wrong-" + UUID.randomUUID()), false,
                Map.of(SqlStatements.HEADER, log, "X-Forwarded-For", "203.0.113.77"));
        assertThat(wrong.reachedPipeline()).isTrue();
        assertThat(wrong.response().statusCode()).isEqualTo(401);
        assertThat(SqlStatements.ofService(log)).as("the count of the wrong secret, per client and per address, once")
                .singleElement().asString().startsWith("insert into rate_limit");
    }

    @Test
    void requestsMetricWhenAnsweredInFrontThenCountedInTheSeriesOfTheRoutedAnswers() throws Exception {
        // One answer by the pipeline, so that its series exists: the registry refuses a meter of the same name with
        // other tag keys, and Prometheus a metric whose series differ in their labels' names.
        assertThat(post(exchangeOf(code("n")), basic(CLIENT, SECRET), true, Map.of()).response().statusCode())
                .isEqualTo(200);
        Map<String, Double> before = requestCounts();
        assertThat(before.keySet()).as("the series of the pipeline's 200").anyMatch(DirectTokenTests::success);

        for (int i = 0; i < 3; i++) {
            Exchange inFront = post(exchangeOf(code("n")), basic(CLIENT, SECRET), false, Map.of());
            assertThat(inFront.reachedPipeline()).isFalse();
            assertThat(inFront.response().statusCode()).isEqualTo(200);
        }

        // Timed once the answer is written, which the client may read first: wait for the count.
        Map<String, Double> after = requestCounts();
        for (int wait = 0; wait < 50 && successes(after) - successes(before) < 3.0; wait++) {
            Thread.sleep(20);
            after = requestCounts();
        }
        assertThat(successes(after) - successes(before)).isEqualTo(3.0);
        assertThat(after.keySet().stream().filter(DirectTokenTests::success).count()).as("one series").isEqualTo(1);
    }

    private record Exchange(HttpResponse<String> response, boolean reachedPipeline) {
    }

    private Exchange post(Map<String, String> params, String authorization, boolean chunked, Map<String, String> headers)
            throws Exception {
        return postRaw(form(params), authorization, chunked, "application/x-www-form-urlencoded", headers);
    }

    private Exchange postRaw(String body, String authorization, boolean chunked, String contentType,
            Map<String, String> headers) throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/token"))
                .header(PipelineRequests.HEADER, id)
                .header("Content-Type", contentType)
                // A stream's length is not known in advance: the JDK client sends it in chunks.
                .POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                        : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Exchange(response, PipelineRequests.reachedPipeline(id));
    }

    private String base() {
        return "http://localhost:" + port;
    }

    private static Map<String, String> exchangeOf(String code) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", "authorization_code");
        params.put("code", code);
        params.put("redirect_uri", REDIRECT);
        return params;
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh code of person 1 for the demo RP, sealed as the authorization endpoint seals it (without PKCE). */
    private String code(String nonce) {
        Instant now = clock.instant();
        UUID account = db.sql("select id from account where nir = :nir").bind("nir", TestAccessTokens.PERSON_1)
                .map(row -> row.get("id", UUID.class)).one().block();
        assertThat(account).as("person 1's account exists").isNotNull();
        return codes.seal(new AuthorizationCode(AuthorizationCodes.newId(), CLIENT, AuthorizationCode.hashOf(REDIRECT), account, "openid profile",
                nonce, null, now, "eidas1", List.of("pwd"), false, now, now.plus(Duration.ofMinutes(1)), null));
    }

    private static Map<String, List<String>> headers(HttpResponse<String> response) {
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(), values));
        headers.remove("date");
        headers.remove("content-length");
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
        assertThat(a).isEqualTo(b).containsKeys("iss", "sub", "aud", "auth_time", "nonce", "acr");
        assertThat(inFront.getExpirationTime().getTime() - inFront.getIssueTime().getTime())
                .isEqualTo(routed.getExpirationTime().getTime() - routed.getIssueTime().getTime());
    }

    private Map<String, Double> requestCounts() throws Exception {
        return RequestMetrics.counts(managementPort, "/token");
    }

    private static boolean success(String labels) {
        return labels.contains("method=\"POST\"") && labels.contains("outcome=\"SUCCESS\"");
    }

    private static double successes(Map<String, Double> counts) {
        return counts.entrySet().stream().filter(e -> success(e.getKey())).mapToDouble(Map.Entry::getValue).sum();
    }
}
