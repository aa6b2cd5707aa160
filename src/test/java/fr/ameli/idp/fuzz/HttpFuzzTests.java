package fr.ameli.idp.fuzz;

import static fr.ameli.idp.registry.TestInsuredPersons.eligible;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Arbitrary input on every form field and API body of the running service (real HTTP, embedded PostgreSQL): each
 * answer is a French page, a redirect, or an RFC-conformant JSON error (RFC 6749 {@code error} or RFC 9457 problem),
 * never a 5xx nor a stack trace; and a refused input changes no row of the tables that hold what a person owns
 * (accounts, mails, codes, tokens, consents, links...).
 *
 * <p>Targets: the enrollment forms (identity, proofs, contact details) on the web and through {@code /api/v1/enrollments}
 * (any JSON: null, arrays, numbers, nested objects, broken text), the login form, {@code /authorize} with every OIDC
 * parameter, {@code /token} ({@code client_assertion} JWTs), {@code /logout} ({@code id_token_hint} JWTs),
 * {@code /userinfo} bearer tokens and « Code oublié ? ».
 *
 * <p>{@link #http} replays the seed corpus ({@code src/test/resources/fr/ameli/idp/fuzz/HttpFuzzTestsInputs/http/}: last
 * byte the target, then the field values one a line); {@link #generatedCases} sends {@code fuzz.http.cases}
 * (default {@value #DEFAULT_CASES}) requests built by a fixed-seed generator from valid values mutated.
 */
@IdpIntegrationTest
@Tag("fuzz")
class HttpFuzzTests {

    static final int DEFAULT_CASES = 600;
    /** The tables a refusal must leave as they were. */
    static final String COUNTS = "select concat_ws(',', (select count(*) from account), (select count(*) from mail_outbox),"
            + " (select count(*) from email_confirmation),"
            + " (select count(*) from access_token), (select count(*) from consent), (select count(*) from provisional_code),"
            + " (select count(*) from federation_link), (select count(*) from known_device), (select count(*) from login_session))"
            + " as counts";
    static final AtomicLong CASES = new AtomicLong();
    static final Map<String, AtomicInteger> BY_TARGET = new java.util.concurrent.ConcurrentSkipListMap<>();
    static final Map<Integer, AtomicInteger> BY_STATUS = new java.util.concurrent.ConcurrentSkipListMap<>();
    static final AtomicInteger PEOPLE = new AtomicInteger();
    static final AtomicInteger DECODER_REFUSALS = new AtomicInteger();
    static final AtomicInteger VIOLATIONS = new AtomicInteger();
    static final AtomicInteger OTHERS = new AtomicInteger();

    @LocalServerPort
    int port;

    @Autowired
    DatabaseClient db;

    @Autowired
    Registry registry;

    @Value("${fuzz.http.cases:" + DEFAULT_CASES + "}")
    int generated;

    /** One target of the service: its field names, valid values, and how a case is sent. */
    record Target(String name, List<String> fields, List<String> valid, Function<Map<String, String>, Outcome> send) {
    }

    /** What came back: the status, the content type, the body, and whether the input was accepted (rows may change). */
    record Outcome(int status, String contentType, String body, boolean accepted) {
    }

    @FuzzTest
    void http(FuzzedDataProvider data) {
        List<Target> targets = targets();
        Target target = targets.get(data.consumeInt(0, targets.size() - 1));
        String[] lines = data.consumeRemainingAsString().split("\n", -1);
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < target.fields().size(); i++) {
            values.put(target.fields().get(i), i < lines.length ? lines[i] : target.valid().get(i));
        }
        check(target, values);
    }

    @Test
    void generatedCases() {
        List<Target> targets = targets();
        Random random = new Random(1205L);
        long started = System.nanoTime();
        for (int n = 0; n < generated; n++) {
            Target target = targets.get(n % targets.size());
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < target.fields().size(); i++) {
                // A NIR of its own for each case (in no registry row): the per-NIR limits stay out of the way.
                String valid = target.valid().get(i).replace("1 80 01 44 109 099", otherNir()).replace("1800144109099", otherNir());
                // Each field mutated in about half of the cases, the others valid: every check beyond the first is reached.
                values.put(target.fields().get(i), random.nextBoolean() ? valid
                        : target.fields().get(i).endsWith("jwt") ? jwt(random, valid) : Mutations.mutate(random, valid));
            }
            check(target, values);
        }
        System.out.printf("HTTP fuzz: %d generated cases in %d s%n", generated, (System.nanoTime() - started) / 1_000_000_000L);
    }

    @AfterAll
    static void report() {
        Quality.write("fuzz-http.txt", "HTTP fuzz cases (seed corpus and generated): " + CASES.get() + "; cases that broke a property"
                + " (5xx, stack trace, page not French, JSON error not RFC 6749/9457, refusal that changed a row): " + VIOLATIONS.get()
                + "; refused by the HTTP decoder with an empty 400/414: " + DECODER_REFUSALS.get()
                + "\nby target: " + BY_TARGET + "\nby status: " + BY_STATUS + "\n");
    }

    void check(Target target, Map<String, String> values) {
        try {
            checkOnce(target, values);
        } catch (AssertionError e) {
            VIOLATIONS.incrementAndGet();
            throw e;
        }
    }

    void checkOnce(Target target, Map<String, String> values) {
        String before = counts();
        Outcome outcome = target.send().apply(values);
        CASES.incrementAndGet();
        BY_TARGET.computeIfAbsent(target.name(), k -> new AtomicInteger()).incrementAndGet();
        BY_STATUS.computeIfAbsent(outcome.status(), k -> new AtomicInteger()).incrementAndGet();
        String described = target.name() + " " + printable(values.toString()) + " -> " + outcome.status() + " "
                + outcome.contentType() + " " + printable(outcome.body().substring(0, Math.min(400, outcome.body().length())));
        assertThat(outcome.status()).as("no 5xx: %s", described).isLessThan(500);
        assertThat(outcome.body()).as("no stack trace: %s", described)
                .doesNotContain("Exception", "\tat ", "at fr.ameli", "at java.", "Whitelabel", "org.springframework");
        String type = outcome.contentType() == null ? "" : outcome.contentType();
        if (type.startsWith("text/html")) {
            assertThat(outcome.body()).as("a French page: %s", described).contains("<html lang=\"fr\"");
        } else if (type.startsWith("application/json") || type.startsWith("application/problem+json")) {
            Map<String, Object> json = parse(outcome.body(), described);
            if (outcome.status() >= 400) {
                boolean oauth = json.get("error") instanceof String error && error.matches("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+");
                boolean problem = json.get("title") instanceof String && json.get("status") instanceof Number status
                        && status.intValue() == outcome.status();
                assertThat(oauth || problem).as("RFC 6749 error or RFC 9457 problem: %s", described).isTrue();
            }
        } else if (outcome.body().isEmpty() && List.of(400, 414, 431).contains(outcome.status())) {
            // Refused by the HTTP decoder before any handler (a request line or path it cannot read, too long a URI):
            // Reactor Netty answers with an empty body, which says nothing either.
            DECODER_REFUSALS.incrementAndGet();
        } else {
            assertThat(outcome.status()).as("an unknown content type is for success or redirects only: %s", described)
                    .isLessThan(400);
        }
        if (!outcome.accepted()) {
            assertThat(counts()).as("a refusal writes nothing: %s", described).isEqualTo(before);
        }
    }

    // ---- targets ---------------------------------------------------------------------------------------------------

    List<Target> targets() {
        List<Target> t = new ArrayList<>();
        t.add(new Target("web identite", List.of("nom", "nir", "dateNaissance", "codePostal"),
                List.of("Fuzz", "1 80 01 44 109 099", "01/01/1980", "44000"), v -> {
                    TestBrowser browser = new TestBrowser(port);
                    browser.get("/inscription");
                    browser.get("/inscription/identite");
                    return page(browser.post("/inscription/identite", v), "/inscription/verification");
                }));
        t.add(new Target("web verification", List.of("iban7", "carteVitale11"), List.of("3024474", "80014410900"), v -> {
            TestBrowser browser = new TestBrowser(port);
            String nir = newPerson();
            v = withCarteVitale(v, nir);
            browser.get("/inscription");
            browser.get("/inscription/identite");
            browser.post("/inscription/identite", Map.of("nom", "Fuzz", "nir", nir, "dateNaissance", "01/01/1980", "codePostal", "44000"));
            browser.get("/inscription/verification");
            return page(browser.post("/inscription/verification", v), "/inscription/cgu");
        }));
        t.add(new Target("web login", List.of("nir", "password", "auth"), List.of("1 80 01 44 109 099", "Ameli-Demo-2026", ""),
                v -> {
                    TestBrowser browser = new TestBrowser(port);
                    TestBrowser.Response toLogin = browser.get(authorizeUri(Map.of()));
                    browser.get("/login?auth=" + enc(toLogin.query("auth")));
                    Map<String, String> form = new LinkedHashMap<>(v);
                    if (form.get("auth").isEmpty()) {
                        form.put("auth", toLogin.query("auth"));
                    }
                    return page(browser.post("/login", form), null);
                }));
        t.add(new Target("web code-oublie", List.of("nir", "dateNaissance", "captcha"), List.of("1 80 01 44 109 099", "01/01/1980", "ABCDEF"),
                v -> {
                    TestBrowser browser = new TestBrowser(port);
                    browser.get("/code-oublie");
                    return page(browser.post("/code-oublie", v), null);
                }));
        t.add(new Target("api identite", List.of("json"), List.of(
                "{\"nom\":\"Fuzz\",\"nir\":\"1800144109099\",\"dateNaissance\":\"01/01/1980\",\"codePostal\":\"44000\"}"), v -> {
                    String address = TestBrowser.newClientAddress();
                    String id = startApi(address);
                    return api("/api/v1/enrollments/" + id + "/identite", v.get("json"), address);
                }));
        t.add(new Target("api step", List.of("step", "json"), List.of("verification", "{\"iban7\":\"3024474\",\"carteVitale11\":\"80014410900\"}"),
                v -> {
                    String address = TestBrowser.newClientAddress();
                    String id = startApi(address);
                    String nir = newPerson();
                    v = withCarteVitale(v, nir);
                    api("/api/v1/enrollments/" + id + "/identite", "{\"nom\":\"Fuzz\",\"nir\":\"" + nir
                            + "\",\"dateNaissance\":\"01/01/1980\",\"codePostal\":\"44000\"}", address);
                    return api("/api/v1/enrollments/" + enc(id) + "/" + enc(v.get("step")), v.get("json"), address);
                }));
        t.add(new Target("api large body", List.of("nom"), List.of("Fuzz"), v -> {
            String address = TestBrowser.newClientAddress();
            String id = startApi(address);
            String nom = v.get("nom").isEmpty() ? "x" : v.get("nom");
            String json = "{\"nom\":" + JSONObjectUtils.toJSONString(Map.of("n", nom.repeat(1 + 400_000 / nom.length()))).substring(5)
                    .replaceAll("}$", "") + ",\"nir\":\"1800144109099\"}";
            return api("/api/v1/enrollments/" + id + "/identite", json, address);
        }));
        t.add(new Target("api id", List.of("id", "json"), List.of("00000000-0000-0000-0000-000000000000", "{}"),
                v -> api("/api/v1/enrollments/" + enc(v.get("id")) + "/identite", v.get("json"), TestBrowser.newClientAddress())));
        t.add(new Target("authorize", List.of("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "prompt",
                "max_age", "acr_values", "login_hint", "code_challenge", "code_challenge_method", "id_token_hint_jwt"),
                List.of("demo-rp", "http://localhost:9876/callback", "code", "openid profile", "st", "n".repeat(32), "login", "600",
                        "eidas1", "1800144109099", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256", ""),
                v -> {
                    Map<String, String> q = new LinkedHashMap<>(v);
                    q.put("id_token_hint", q.remove("id_token_hint_jwt"));
                    q.values().removeIf(String::isEmpty);
                    return raw(HttpMethod.GET, authorizeUri(q), null, null, null);
                }));
        t.add(new Target("token", List.of("grant_type", "code", "redirect_uri", "client_id", "client_assertion_type",
                "client_assertion_jwt", "code_verifier", "refresh_token"),
                List.of("authorization_code", "x", "http://localhost:9876/callback", "demo-rp",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "", "v".repeat(43), ""),
                v -> {
                    Map<String, String> form = new LinkedHashMap<>(v);
                    form.put("client_assertion", form.remove("client_assertion_jwt"));
                    form.values().removeIf(String::isEmpty);
                    return raw(HttpMethod.POST, "/token", form(form), MediaType.APPLICATION_FORM_URLENCODED, null);
                }));
        t.add(new Target("logout", List.of("id_token_hint_jwt", "post_logout_redirect_uri", "state", "client_id"),
                List.of("", "http://localhost:9876/", "st", "demo-rp"), v -> {
                    Map<String, String> q = new LinkedHashMap<>(v);
                    q.put("id_token_hint", q.remove("id_token_hint_jwt"));
                    q.values().removeIf(String::isEmpty);
                    return raw(HttpMethod.GET, "/logout?" + form(q), null, null, null);
                }));
        t.add(new Target("userinfo", List.of("bearer_jwt"), List.of(""),
                v -> raw(HttpMethod.GET, "/userinfo", null, null, "Bearer " + v.get("bearer_jwt"))));
        return t;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** The valid carte Vitale digits of {@code nir} (TestInsuredPersons' serial) where the valid value of another stands. */
    static Map<String, String> withCarteVitale(Map<String, String> values, String nir) {
        Map<String, String> v = new LinkedHashMap<>(values);
        String own = ("80250099" + nir.substring(0, 10) + "00").substring(9);
        v.replaceAll((k, value) -> value.replace("80014410900", own));
        return v;
    }

    /** A well-formed NIR that no other case used and that no registry row has. */
    static String otherNir() {
        int n = OTHERS.incrementAndGet();
        return "1800144" + (300 + n / 999) + String.format("%03d", 1 + n % 999);
    }

    /** A new eligible person (unique NIR) in the registry, for targets past the identity step; returns the NIR. */
    String newPerson() {
        int n = PEOPLE.incrementAndGet();
        String nir = "1800144" + (500 + n / 999) + String.format("%03d", 1 + n % 999);
        TestInsuredPersons.importInto(registry, eligible(nir, "FUZZ"));
        return nir;
    }

    String startApi(String address) {
        Map<?, ?> started = client().post().uri("/api/v1/enrollments").header("X-Forwarded-For", address).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return (String) started.get("id");
    }

    Outcome api(String path, String json, String address) {
        return raw(HttpMethod.POST, path, json, MediaType.APPLICATION_JSON, null, address);
    }

    Outcome raw(HttpMethod method, String pathAndQuery, String body, MediaType type, String authorization) {
        return raw(method, pathAndQuery, body, type, authorization, TestBrowser.newClientAddress());
    }

    Outcome raw(HttpMethod method, String pathAndQuery, String body, MediaType type, String authorization, String address) {
        WebTestClient.RequestBodySpec request = client().method(method).uri(URI.create("http://localhost:" + port + pathAndQuery))
                .header("X-Forwarded-For", address);
        if (authorization != null) {
            request.header("Authorization", authorization.replaceAll("[\\x00-\\x1f\\x7f-\\uffff]", "?"));
        }
        WebTestClient.RequestHeadersSpec<?> ready = body == null ? request : request.contentType(type).bodyValue(body);
        EntityExchangeResult<byte[]> result = ready.exchange().expectBody().returnResult();
        byte[] bytes = result.getResponseBody();
        MediaType contentType = result.getResponseHeaders().getContentType();
        int status = result.getStatus().value();
        String location = String.valueOf(result.getResponseHeaders().getLocation());
        boolean accepted = status < 300 || (status < 400 && !location.contains("error="));
        return new Outcome(status, contentType == null ? null : contentType.toString(),
                bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8), accepted);
    }

    /** A form post's answer: a redirect to {@code next} (or anywhere but an error, when null) is an acceptance. */
    static Outcome page(TestBrowser.Response response, String next) {
        int status = response.status().value();
        boolean accepted = response.status().is3xxRedirection() && response.location() != null
                && (next == null ? !String.valueOf(response.location()).contains("error=") : response.location().getPath().equals(next));
        String body = response.body();
        String type = body.startsWith("<!DOCTYPE html>") || body.contains("<html") ? "text/html" : null;
        return new Outcome(status, type, body, accepted);
    }

    WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(30)).build();
    }

    String authorizeUri(Map<String, String> overrides) {
        Map<String, String> q = new LinkedHashMap<>(Map.of("response_type", "code", "client_id", "demo-rp",
                "redirect_uri", "http://localhost:9876/callback", "scope", "openid", "state", "fuzz", "nonce", "n".repeat(32),
                // PKCE is required from every client by default (RFC 7636's example challenge)
                "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method", "S256"));
        if (!overrides.isEmpty()) {
            q.clear();
            q.putAll(overrides);
        }
        return "/authorize?" + form(q);
    }

    static String form(Map<String, String> values) {
        StringBuilder s = new StringBuilder();
        values.forEach((k, v) -> s.append(s.isEmpty() ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        return s.toString();
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    String counts() {
        return db.sql(COUNTS).map(row -> row.get("counts", String.class)).one().block(Duration.ofSeconds(30));
    }

    static Map<String, Object> parse(String body, String described) {
        try {
            return JSONObjectUtils.parse(body);
        } catch (java.text.ParseException e) {
            throw new AssertionError("JSON error expected: " + described, e);
        }
    }

    /** Printable in a failure message (control characters escaped). */
    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : Character.toString(c)));
        return out.toString();
    }

    /** A JWT-shaped string: header and claims mutated (alg none, wrong types, huge numbers), random or no signature. */
    static String jwt(Random random, String valid) {
        if (random.nextInt(5) == 0) {
            return Mutations.mutate(random, valid.isEmpty() ? "eyJhbGciOiJub25lIn0.e30." : valid);
        }
        String header = Mutations.pick(random, "{\"alg\":\"none\"}", "{\"alg\":\"ES256\",\"kid\":\"" + Mutations.word(random) + "\"}",
                "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"alg\":\"RS256\",\"jku\":\"http://localhost:1/jwks\"}",
                "{\"alg\":" + Mutations.nasty(random) + "}", "[]", "null", "{\"alg\":\"ES256\",\"crit\":[\"exp\"]}");
        String claims = Mutations.pick(random, "{}", "{\"iss\":\"demo-rp\",\"sub\":\"demo-rp\",\"aud\":\"http://localhost\",\"exp\":9999999999,"
                + "\"jti\":\"" + Mutations.word(random) + "\"}", "{\"exp\":1e999}", "{\"aud\":[1,2,{}],\"iat\":-1}",
                "{\"sid\":" + Mutations.nasty(random) + "}", Mutations.mutate(random, "{\"sub\":\"x\",\"exp\":\"soon\"}"));
        String signature = random.nextBoolean() ? "" : Base64URL.encode(Mutations.noise(random, 64).getBytes(StandardCharsets.UTF_8)).toString();
        return Base64URL.encode(header.getBytes(StandardCharsets.UTF_8)) + "." + Base64URL.encode(claims.getBytes(StandardCharsets.UTF_8))
                + "." + signature;
    }
}
