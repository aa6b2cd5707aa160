package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.PipelineRequests;
import fr.ameli.idp.RequestMetrics;
import fr.ameli.idp.TestBrowser;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The authorization endpoint's GET answered in front of the WebFlux pipeline ({@code DirectAuthorize}): answered
 * there when it redirects the browser on (to the relying party with a code, or to the login page), with the answer
 * the routed handler gives the same request (a POST, which always goes through the pipeline): same status, same
 * headers; in the same {@code http.server.requests} series. Every failure reaches the pipeline with what it was, and
 * is rendered as before without being run again.
 */
@IdpIntegrationTest
class DirectAuthorizeTests {

    private static final String SCOPE = "openid profile email birth";

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    DatabaseClient db;

    OidcTestClient rp;

    /** Person 1 signed in on this test's browser, having consented to the demo RP. */
    @BeforeEach
    void signedIn() throws Exception {
        rp = new OidcTestClient(port);
        KnownDevices.remember(db, rp.browser, "2850575112034"); // no security code on this browser
        OidcTestClient.Started first = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                SCOPE, null);
        TestBrowser.Response next = rp.login(rp.browser.get(first.uri().toString()), OidcTestClient.MARTIN_NIR,
                OidcTestClient.MARTIN_PASSWORD);
        if ("/consent".equals(next.location().getPath())) {
            next = rp.consent(next);
        }
        assertThat(next.location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?code=");
    }

    @Test
    void ssoWhenGetThenAnsweredInFrontAsThePipelineAnswersIt() {
        OidcTestClient.Started get = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                SCOPE, "none");
        OidcTestClient.Started post = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                SCOPE, "none");
        Call inFront = get(rp.browser, get.uri());
        Call routed = post(rp.browser, post.uri());

        assertThat(inFront.reachedPipeline()).as("GET answered in front").isFalse();
        assertThat(routed.reachedPipeline()).as("POST through the pipeline").isTrue();
        assertThat(inFront.response().status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(routed.response().status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(headers(inFront.response())).isEqualTo(headers(routed.response()))
                .containsEntry("cache-control", List.of("no-store"))
                .containsKeys("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy");
        Map<String, List<String>> a = UriComponentsBuilder.fromUri(inFront.response().location()).build().getQueryParams();
        Map<String, List<String>> b = UriComponentsBuilder.fromUri(routed.response().location()).build().getQueryParams();
        assertThat(a.keySet()).isEqualTo(b.keySet()).containsExactlyInAnyOrder("code", "state", "iss");
        assertThat(a.get("state")).containsExactly(get.state().getValue());
        assertThat(a.get("iss")).isEqualTo(b.get("iss"));

        // The code issued in front is the code the token endpoint knows.
        TestBrowser backChannel = new TestBrowser(port).header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((OidcTestClient.DEMO_CLIENT + ":" + OidcTestClient.DEMO_SECRET)
                        .getBytes(StandardCharsets.UTF_8)));
        TestBrowser.Response tokens = backChannel.post("/token", Map.of("grant_type", "authorization_code",
                "code", inFront.response().query("code"), "redirect_uri", OidcTestClient.DEMO_REDIRECT,
                "code_verifier", get.verifier().getValue()));
        assertThat(tokens.status()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void noSessionWhenGetThenAnsweredInFrontToTheLoginPage() {
        TestBrowser fresh = new TestBrowser(port);
        OidcTestClient.Started request = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT,
                OidcTestClient.DEMO_REDIRECT, SCOPE, null);
        Call call = get(fresh, request.uri());
        assertThat(call.reachedPipeline()).isFalse();
        assertThat(call.response().status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(call.response().location().getPath()).isEqualTo("/login");
        // The pending request stored in front is the one the login page shows.
        assertThat(fresh.follow(call.response()).status()).isEqualTo(HttpStatus.OK);
    }

    /** Each failure is the pipeline's to render: an error page, or the error sent back to the relying party. */
    @Test
    void failureWhenGetThenThePipelineRendersIt() {
        OidcTestClient.Started valid = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                SCOPE, "none");
        String query = valid.uri().getRawQuery();

        Call unknownClient = get(rp.browser, URI.create("/authorize?" + query.replace("client_id=demo-rp",
                "client_id=unknown-" + UUID.randomUUID())));
        assertThat(unknownClient.reachedPipeline()).isTrue();
        assertThat(unknownClient.response().status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(unknownClient.response().body()).contains("<main");

        Call badScope = get(rp.browser, URI.create("/authorize?" + query.replaceAll("scope=[^&]*", "scope=profile")));
        assertThat(badScope.reachedPipeline()).isTrue();
        assertThat(badScope.response().status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(badScope.response().location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT)
                .contains("error=invalid_scope");

        Call noSession = get(new TestBrowser(port), valid.uri());
        assertThat(noSession.reachedPipeline()).isTrue();
        assertThat(noSession.response().location().toString()).contains("error=login_required");

        Call twice = get(rp.browser, URI.create("/authorize?" + query + "&scope=openid"));
        assertThat(twice.reachedPipeline()).as("a parameter sent twice, read again by the pipeline").isTrue();
        assertThat(twice.response().status()).as("refused, on a page: no redirect_uri checked yet").isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(twice.response().body()).contains("<main");
    }

    /**
     * A pushed request is used once: met in front and failing there (no session for prompt=none), it is handed over
     * with its failure, which the pipeline renders; run again, it would be an unknown request_uri.
     */
    @Test
    void pushedRequestWhenItFailsInFrontThenHandedOverNotUsedTwice() throws Exception {
        Map<String, String> pushed = new LinkedHashMap<>();
        pushed.put("response_type", "code");
        pushed.put("client_id", OidcTestClient.DEMO_CLIENT);
        pushed.put("redirect_uri", OidcTestClient.DEMO_REDIRECT);
        pushed.put("scope", "openid");
        pushed.put("state", "pushed-state-0123456789abcdef");
        pushed.put("nonce", "pushed-nonce-0123456789abcdef");
        pushed.put("prompt", "none");
        pushed.put("acr_values", "eidas1");
        pushed.put("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        pushed.put("code_challenge_method", "S256");
        TestBrowser backChannel = new TestBrowser(port).header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((OidcTestClient.DEMO_CLIENT + ":" + OidcTestClient.DEMO_SECRET)
                        .getBytes(StandardCharsets.UTF_8)));
        TestBrowser.Response par = backChannel.post("/par", pushed);
        assertThat(par.status()).as(par.body()).isEqualTo(HttpStatus.CREATED);
        String requestUri = (String) com.nimbusds.jose.util.JSONObjectUtils.parse(par.body()).get("request_uri");

        Call use = get(new TestBrowser(port), URI.create("/authorize?client_id=" + OidcTestClient.DEMO_CLIENT
                + "&request_uri=" + java.net.URLEncoder.encode(requestUri, StandardCharsets.UTF_8)));
        assertThat(use.reachedPipeline()).isTrue();
        assertThat(use.response().status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(use.response().location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT)
                .contains("error=login_required").contains("state=pushed-state-0123456789abcdef");
    }

    @Test
    void requestsMetricWhenAnsweredInFrontThenCountedInTheSeriesOfTheRoutedAnswers() throws Exception {
        // One answer by the pipeline, so that its series exists (the registry refuses other tag keys for a name).
        assertThat(post(rp.browser, rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                SCOPE, "none").uri()).response().status()).isEqualTo(HttpStatus.SEE_OTHER);
        Map<String, Double> before = requestCounts();

        for (int i = 0; i < 3; i++) {
            Call inFront = get(rp.browser, rp.authorizationRequest(OidcTestClient.DEMO_CLIENT,
                    OidcTestClient.DEMO_REDIRECT, SCOPE, "none").uri());
            assertThat(inFront.reachedPipeline()).isFalse();
            assertThat(inFront.response().status()).isEqualTo(HttpStatus.SEE_OTHER);
        }

        Map<String, Double> after = requestCounts();
        for (int wait = 0; wait < 50 && count(after, "GET") - count(before, "GET") < 3.0; wait++) {
            Thread.sleep(20);
            after = requestCounts();
        }
        assertThat(count(after, "GET") - count(before, "GET")).isEqualTo(3.0);
        assertThat(series(after, "GET").replace("method=\"GET\"", "method=\"POST\"")).as("labels but the method")
                .isEqualTo(series(after, "POST"));
    }

    private record Call(TestBrowser.Response response, boolean reachedPipeline) {
    }

    private static Call get(TestBrowser browser, URI uri) {
        String id = UUID.randomUUID().toString();
        TestBrowser.Response response = browser.header(PipelineRequests.HEADER, id)
                .get(uri.getRawPath() + "?" + uri.getRawQuery());
        return new Call(response, PipelineRequests.reachedPipeline(id));
    }

    /** The same request as a form post, which the pipeline answers. */
    private static Call post(TestBrowser browser, URI uri) {
        String id = UUID.randomUUID().toString();
        Map<String, String> fields = new LinkedHashMap<>();
        UriComponentsBuilder.fromUri(uri).build(true).getQueryParams().forEach((name, values) -> fields.put(name,
                java.net.URLDecoder.decode(values.get(0), StandardCharsets.UTF_8)));
        TestBrowser.Response response = browser.header(PipelineRequests.HEADER, id).post("/authorize", fields);
        return new Call(response, PipelineRequests.reachedPipeline(id));
    }

    private static Map<String, List<String>> headers(TestBrowser.Response response) {
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().forEach((name, values) -> headers.put(name.toLowerCase(), values));
        headers.remove("date");
        headers.remove("location");
        return headers;
    }

    private Map<String, Double> requestCounts() throws Exception {
        return RequestMetrics.counts(managementPort, "/authorize");
    }

    private static double count(Map<String, Double> counts, String method) {
        return RequestMetrics.count(counts, "method=\"" + method + "\"", "status=\"303\"");
    }

    private static String series(Map<String, Double> counts, String method) {
        return RequestMetrics.series(counts, "method=\"" + method + "\"", "status=\"303\"");
    }
}
