package fr.ameli.idp.federation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static fr.ameli.idp.federation.FederationTestSupport.toProvider;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Everything that can go wrong with the provider or the person (SPEC 3.3), through the running service: each
 * failure gives the French page, logs its reason code without personal data, and writes nothing (no account,
 * no enrollment, no session, no link, no session cookie).
 */
@IdpIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class FederationFailureTests {

    static final String SUB = "fc-sub-failure-0123456789";
    static final String CREATION_IMPOSSIBLE = "Création via FranceConnect impossible pour le moment";
    static final String LOGIN_IMPOSSIBLE = "Connexion via FranceConnect impossible pour le moment";

    static final FakeProvider provider = new FakeProvider();

    @LocalServerPort
    int port;

    @Autowired
    FederationSettings settings;

    @Autowired
    DatabaseClient db;

    @Autowired
    Registry registry;

    @Autowired
    MutableClock clock;

    TestBrowser browser;

    /** The provider's answers for one failure, once the test knows the nonce of our redirect. */
    @FunctionalInterface
    interface Answers {
        void stub(FakeProvider provider, String nonce);
    }

    @BeforeAll
    static void startProvider() {
        provider.start();
    }

    @AfterAll
    static void stopProvider() {
        provider.stop();
    }

    /** Two registry entries that the same pivot designates (not DEMO-DATA people). */
    private static TestInsuredPersons.Builder twin(String nir13) {
        return TestInsuredPersons.eligible(nir13, "JUMEAU").givenNames("Paul").birthDate("1970-01-01").birthplace("75056")
                .postalCode("75001").withoutProof().carteVitaleActive(false);
    }

    @BeforeEach
    void setUp() {
        provider.reset();
        FederationTestSupport.resetDemoPeople(db);
        TestInsuredPersons.importInto(registry, twin("1700175056001"), twin("1700175056002"));
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT));
        browser = new TestBrowser(port);
    }

    @AfterEach
    void tearDown() {
        settings.reset();
        clock.reset();
    }

    static Stream<Arguments> providerFailures() {
        ECKey impostor = key("es-key-1");
        ECKey unknown = key("es-key-unknown");
        return Stream.of(
                failure("token endpoint 500", "server_error", HttpStatus.SERVICE_UNAVAILABLE,
                        (p, nonce) -> p.stubToken(aResponse().withStatus(500))),
                failure("token endpoint 502", "server_error", HttpStatus.SERVICE_UNAVAILABLE,
                        (p, nonce) -> p.stubToken(aResponse().withStatus(502))),
                failure("token endpoint 503", "server_error", HttpStatus.SERVICE_UNAVAILABLE,
                        (p, nonce) -> p.stubToken(aResponse().withStatus(503))),
                failure("token endpoint 401 invalid_client", "token_rejected", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> p.stubToken(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                                .withBody("{\"error\":\"invalid_client\"}"))),
                failure("token endpoint slower than the timeout", "timeout", HttpStatus.SERVICE_UNAVAILABLE,
                        (p, nonce) -> p.stubToken(FakeProvider.json(tokenBody(p.sign(p.idToken(SUB, nonce), JWSAlgorithm.ES256)))
                                .withFixedDelay(2500))),
                failure("token endpoint drops the connection", "unreachable", HttpStatus.SERVICE_UNAVAILABLE,
                        (p, nonce) -> p.stubToken(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))),
                failure("token endpoint answers HTML instead of JSON", "malformed_response", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> p.stubToken(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                                .withBody("<html><body>Maintenance</body></html>"))),
                failure("token endpoint answers malformed JSON", "malformed_response", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> p.stubToken(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                                .withBody("{\"access_token\": "))),
                failure("token response without id_token", "malformed_response", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> p.stubToken(FakeProvider.json(Map.of("access_token", "at", "token_type", "Bearer")))),
                failure("ID token with a bad signature", "bad_signature", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, p.sign(p.idToken(SUB, nonce), JWSAlgorithm.ES256, impostor))),
                failure("ID token signed by an unknown key", "unknown_key", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, p.sign(p.idToken(SUB, nonce), JWSAlgorithm.ES256, unknown))),
                failure("ID token with alg none", "unsupported_alg", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, FakeProvider.unsigned(p.idToken(SUB, nonce)))),
                failure("ID token HS256 when not in legacy mode", "unsupported_alg", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, p.sign(p.idToken(SUB, nonce), JWSAlgorithm.HS256))),
                failure("ID token RS256 when ES256 is registered", "unsupported_alg", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, p.sign(p.idToken(SUB, nonce), JWSAlgorithm.RS256))),
                failure("ID token with a wrong nonce", "wrong_nonce", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, p.sign(p.idToken(SUB, "another-nonce-0123456789-0123456789-abc"),
                                JWSAlgorithm.ES256))),
                failure("ID token with a wrong iss", "wrong_issuer", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, p.sign(p.idToken(SUB, nonce).issuer("https://impostor.example"),
                                JWSAlgorithm.ES256))),
                failure("ID token with a wrong aud", "wrong_audience", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, p.sign(p.idToken(SUB, nonce).audience("another-client"), JWSAlgorithm.ES256))),
                failure("ID token expired", "expired", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, p.sign(p.idToken(SUB, nonce)
                                .issueTime(Date.from(Instant.now().minusSeconds(360)))
                                .expirationTime(Date.from(Instant.now().minusSeconds(300))), JWSAlgorithm.ES256))),
                failure("ID token issued in the future", "bad_issue_time", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, p.sign(p.idToken(SUB, nonce)
                                .issueTime(Date.from(Instant.now().plusSeconds(300)))
                                .expirationTime(Date.from(Instant.now().plusSeconds(360))), JWSAlgorithm.ES256))),
                failure("ID token without acr", "acr_too_low", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, p.sign(p.idToken(SUB, nonce).claim("acr", null), JWSAlgorithm.ES256))),
                failure("ID token without sub", "missing_subject", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> ok(p, p.sign(p.idToken(SUB, nonce).subject(null), JWSAlgorithm.ES256))),
                failure("userinfo sub differs from the ID token's", "userinfo_subject_mismatch", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> {
                            p.stubToken(p.sign(p.idToken(SUB, nonce), JWSAlgorithm.ES256));
                            p.stubUserinfoJwt(p.sign(p.userinfo(FakeProvider.person3("another-subject")), JWSAlgorithm.ES256));
                        }),
                failure("userinfo JSON when a signed JWT is registered", "userinfo_format", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> {
                            p.stubToken(p.sign(p.idToken(SUB, nonce), JWSAlgorithm.ES256));
                            p.stubUserinfoJson(FakeProvider.person3(SUB));
                        }),
                failure("userinfo with a bad signature", "bad_signature", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> {
                            p.stubToken(p.sign(p.idToken(SUB, nonce), JWSAlgorithm.ES256));
                            p.stubUserinfoJwt(p.sign(p.userinfo(FakeProvider.person3(SUB)), JWSAlgorithm.ES256, impostor));
                        }),
                failure("userinfo for another audience", "wrong_audience", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> {
                            p.stubToken(p.sign(p.idToken(SUB, nonce), JWSAlgorithm.ES256));
                            p.stubUserinfoJwt(p.sign(p.userinfo(FakeProvider.person3(SUB)).audience("another-client"),
                                    JWSAlgorithm.ES256));
                        }),
                failure("userinfo 500", "server_error", HttpStatus.SERVICE_UNAVAILABLE,
                        (p, nonce) -> {
                            p.stubToken(p.sign(p.idToken(SUB, nonce), JWSAlgorithm.ES256));
                            p.stubUserinfo(aResponse().withStatus(500));
                        }),
                failure("pivot with an impossible birth date", "invalid_pivot", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> okWith(p, nonce, Map.of("birthdate", "1979-13-01"))),
                failure("pivot born in France without birth place", "invalid_pivot", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> okWith(p, nonce, Map.of("birthplace", ""))),
                failure("pivot with a malformed birth country", "invalid_pivot", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> okWith(p, nonce, Map.of("birthcountry", "France"))),
                failure("pivot with an unknown gender value", "invalid_pivot", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> okWith(p, nonce, Map.of("gender", "M"))),
                failure("pivot without given_name", "invalid_pivot", HttpStatus.BAD_GATEWAY,
                        (p, nonce) -> okWith(p, nonce, Map.of("given_name", ""))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providerFailures")
    void callbackWhenProviderAnswersWronglyThenCreationImpossibleAndNothingWritten(String name, String reason,
            HttpStatus status, Answers answers, CapturedOutput output) {
        FederationTestSupport.Written before = FederationTestSupport.Written.now(db);
        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/inscription"),
                provider.issuer() + "/authorize");
        answers.stub(provider, redirect.nonce());

        TestBrowser.Response page = browser.get("/federation/callback?code=code-1&state=" + redirect.state());

        assertFailurePage(page, status, CREATION_IMPOSSIBLE, before);
        assertThat(output.getOut()).contains("FranceConnect enrollment failed: reason=" + reason)
                .doesNotContain(SUB).doesNotContain("DUPONT").doesNotContain("Jean-Pierre").doesNotContain("1979-06-21")
                .doesNotContain(FakeProvider.ACCESS_TOKEN);
    }

    @Test
    void callbackWhenActingAsAnotherAcrLevelThenAcrTooLow(CapturedOutput output) {
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT).withAcrValues(List.of("eidas2")));
        FederationTestSupport.Written before = FederationTestSupport.Written.now(db);
        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/inscription"),
                provider.issuer() + "/authorize");
        assertThat(redirect.params()).containsEntry("acr_values", "eidas2");
        ok(provider, provider.sign(provider.idToken(SUB, redirect.nonce()), JWSAlgorithm.ES256));

        TestBrowser.Response page = browser.get("/federation/callback?code=code-1&state=" + redirect.state());

        assertFailurePage(page, HttpStatus.BAD_GATEWAY, CREATION_IMPOSSIBLE, before);
        assertThat(output.getOut()).contains("reason=acr_too_low");
    }

    @Test
    void callbackWhenProviderSaysAccessDeniedThenCreationImpossibleAndNothingWritten(CapturedOutput output) {
        FederationTestSupport.Written before = FederationTestSupport.Written.now(db);
        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/inscription"),
                provider.issuer() + "/authorize");

        TestBrowser.Response page = browser.get("/federation/callback?error=access_denied&error_description=User+refused"
                + "&state=" + redirect.state());

        assertFailurePage(page, HttpStatus.BAD_GATEWAY, CREATION_IMPOSSIBLE, before);
        assertThat(output.getOut()).contains("reason=provider_error (access_denied)");
        assertThat(provider.requestCount("/token")).isZero();
    }

    @Test
    void loginWhenProviderFailsThenLoginImpossibleAndNothingWritten() {
        FederationTestSupport.Written before = FederationTestSupport.Written.now(db);
        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/login"),
                provider.issuer() + "/authorize");
        provider.stubToken(aResponse().withStatus(503));

        TestBrowser.Response page = browser.get("/federation/callback?code=code-1&state=" + redirect.state());

        assertFailurePage(page, HttpStatus.SERVICE_UNAVAILABLE, LOGIN_IMPOSSIBLE, before);
    }

    @Test
    void startWhenProviderUnreachableThenCreationImpossibleWithoutRedirect(CapturedOutput output) {
        settings.use(provider.config(JWSAlgorithm.ES256, ProviderConfig.UserinfoFormat.JWT)
                .withIssuer("http://localhost:" + FakeProvider.deadPort()));
        FederationTestSupport.Written before = FederationTestSupport.Written.now(db);
        long requests = count("select count(*) from federation_request");

        TestBrowser.Response page = browser.get("/federation/inscription");

        assertFailurePage(page, HttpStatus.SERVICE_UNAVAILABLE, CREATION_IMPOSSIBLE, before);
        assertThat(output.getOut()).contains("reason=unreachable");
        assertThat(count("select count(*) from federation_request")).as("no state stored").isEqualTo(requests);
        assertThat(browser.cookie(FederationRoutes.BROWSER_COOKIE)).isNull();
    }

    @Test
    void startWhenDiscoverySlowerThanTimeoutThenCreationImpossible(CapturedOutput output) {
        provider.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/.well-known/openid-configuration"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(2500)));
        FederationTestSupport.Written before = FederationTestSupport.Written.now(db);

        assertFailurePage(browser.get("/federation/inscription"), HttpStatus.SERVICE_UNAVAILABLE, CREATION_IMPOSSIBLE, before);
        assertThat(output.getOut()).contains("reason=timeout");
    }

    @Test
    void startWhenDiscoveryNamesAnotherIssuerThenLoginImpossible(CapturedOutput output) {
        provider.stubDiscovery("https://impostor.example", provider.issuer() + "/token");
        FederationTestSupport.Written before = FederationTestSupport.Written.now(db);

        assertFailurePage(browser.get("/federation/login"), HttpStatus.BAD_GATEWAY, LOGIN_IMPOSSIBLE, before);
        assertThat(output.getOut()).contains("reason=invalid_metadata (issuer)");
    }

    @Test
    void startWhenDiscoveryFailsOnceThenNotCachedAndNextAttemptWorks() {
        provider.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/.well-known/openid-configuration"))
                .willReturn(aResponse().withStatus(500)));
        assertThat(browser.get("/federation/inscription").status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        provider.stubDiscovery(provider.issuer(), provider.issuer() + "/token");
        toProvider(browser.get("/federation/inscription"), provider.issuer() + "/authorize");
    }

    @Test
    void startWhenNoProviderConfiguredThenServiceUnavailablePage() {
        settings.use(null);
        TestBrowser.Response page = browser.get("/federation/inscription");
        assertThat(page.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(page.body()).contains("Le service FranceConnect est indisponible sur ce site");
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("nobody in the registry", FakeProvider.pivot(SUB, "Inès", "INCONNUE", "1990-02-03", "female",
                        "69123", "99100"), "ne nous permettent pas de vous identifier de façon certaine parmi"),
                Arguments.of("two registry entries", FakeProvider.pivot(SUB, "Paul", "JUMEAU", "1970-01-01", "male", "75056",
                        "99100"), "plusieurs dossiers pourraient vous correspondre"),
                Arguments.of("person 3 with another birth place", FakeProvider.pivot(SUB, "Jean-Pierre Louis", "DUPONT",
                        "1979-06-21", "male", "13001", "99100"), "de façon certaine parmi"),
                Arguments.of("person 3 with one given name missing", FakeProvider.pivot(SUB, "Jean-Pierre", "DUPONT",
                        "1979-06-21", "male", "13055", "99100"), "de façon certaine parmi"),
                Arguments.of("person 3 with gender unspecified", FakeProvider.pivot(SUB, "Jean-Pierre Louis", "DUPONT",
                        "1979-06-21", "unspecified", "13055", "99100"), "de façon certaine parmi"),
                Arguments.of("person 6 (MSA) excluded", FakeProvider.pivot(SUB, "Louis", "PETIT", "1955-05-02", "male", "",
                        "99350"), "ni du régime général ni d&#39;un régime partenaire"),
                Arguments.of("person 5 (provisional NIR) excluded", FakeProvider.pivot(SUB, "Yassine", "KADDOUR",
                        "1999-10-03", "male", "", "99350"), "provisoire ou n&#39;est pas encore certifié"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void callbackWhenPivotMatchesNoEligiblePersonThenReasonAndAlternativesAndNothingWritten(String name,
            Map<String, Object> pivot, String reason) {
        FederationTestSupport.Written before = FederationTestSupport.Written.now(db);
        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/inscription"),
                provider.issuer() + "/authorize");
        provider.stubToken(provider.sign(provider.idToken(SUB, redirect.nonce()), JWSAlgorithm.ES256));
        provider.stubUserinfoJwt(provider.sign(provider.userinfo(pivot), JWSAlgorithm.ES256));

        TestBrowser.Response page = browser.get("/federation/callback?code=code-1&state=" + redirect.state());

        assertThat(page.status()).isEqualTo(HttpStatus.OK);
        assertThat(page.body()).contains("Création de votre compte via FranceConnect impossible").contains(reason)
                .contains("3646").contains("href=\"/inscription\"").contains("href=\"/login\"");
        assertNothingWritten(before);
    }

    @Test
    void callbackWhenStateReplayedThenExpiredPageAndProviderNotCalledAgain() {
        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/inscription"),
                provider.issuer() + "/authorize");
        provider.stubToken(aResponse().withStatus(500));
        browser.get("/federation/callback?code=code-1&state=" + redirect.state());
        FederationTestSupport.Written before = FederationTestSupport.Written.now(db);

        TestBrowser.Response replay = browser.get("/federation/callback?code=code-1&state=" + redirect.state());

        assertThat(replay.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(replay.body()).contains("a expiré ou a déjà été utilisée");
        assertThat(provider.requestCount("/token")).isOne();
        assertNothingWritten(before);
    }

    @Test
    void callbackWhenAnotherBrowserPresentsTheStateThenRefusedAndNothingWritten() {
        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/inscription"),
                provider.issuer() + "/authorize");
        FederationTestSupport.Written before = FederationTestSupport.Written.now(db);

        TestBrowser.Response elsewhere = new TestBrowser(port).get("/federation/callback?code=code-1&state=" + redirect.state());

        assertThat(elsewhere.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(provider.requestCount("/token")).isZero();
        assertNothingWritten(before);
    }

    @Test
    void callbackWhenStateOlderThanTenMinutesThenExpired() {
        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/inscription"),
                provider.issuer() + "/authorize");
        clock.advance(Duration.ofMinutes(11));

        TestBrowser.Response late = browser.get("/federation/callback?code=code-1&state=" + redirect.state());

        assertThat(late.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(provider.requestCount("/token")).isZero();
    }

    @Test
    void callbackWhenStateGivenTwiceThenInvalidRequest() {
        FederationTestSupport.AuthorizationRedirect redirect = toProvider(browser.get("/federation/inscription"),
                provider.issuer() + "/authorize");
        TestBrowser.Response twice = browser.get("/federation/callback?code=c&state=" + redirect.state() + "&state=x");
        assertThat(twice.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(provider.requestCount("/token")).isZero();
    }

    private void assertFailurePage(TestBrowser.Response page, HttpStatus status, String title,
            FederationTestSupport.Written before) {
        assertThat(page.status()).as(page.body()).isEqualTo(status);
        assertThat(page.body()).contains(title).contains("Aucune information n&#39;a été enregistrée");
        assertNothingWritten(before);
    }

    private void assertNothingWritten(FederationTestSupport.Written before) {
        assertThat(FederationTestSupport.Written.now(db)).isEqualTo(before);
        assertThat(browser.cookie("AMELI_SESSION")).isNull();
        assertThat(browser.cookie("AMELI_ENROLLMENT")).isNull();
        assertThat(browser.cookie(FederationRoutes.LINK_COOKIE)).isNull();
    }

    private long count(String sql) {
        return FederationTestSupport.count(db, sql);
    }

    private static Arguments failure(String name, String reason, HttpStatus status, Answers answers) {
        return Arguments.of(name, reason, status, answers);
    }

    /** The token answer carrying {@code idToken}, and a valid signed userinfo for person 3. */
    private static void ok(FakeProvider p, String idToken) {
        p.stubToken(idToken);
        p.stubUserinfoJwt(p.sign(p.userinfo(FakeProvider.person3(SUB)), JWSAlgorithm.ES256));
    }

    /** A valid ID token, and person 3's userinfo with some claims replaced. */
    private static void okWith(FakeProvider p, String nonce, Map<String, Object> changes) {
        p.stubToken(p.sign(p.idToken(SUB, nonce), JWSAlgorithm.ES256));
        Map<String, Object> claims = new java.util.LinkedHashMap<>(FakeProvider.person3(SUB));
        claims.putAll(changes);
        p.stubUserinfoJwt(p.sign(p.userinfo(claims), JWSAlgorithm.ES256));
    }

    private static Map<String, Object> tokenBody(String idToken) {
        return Map.of("access_token", FakeProvider.ACCESS_TOKEN, "token_type", "Bearer", "expires_in", 60, "id_token", idToken);
    }

    private static ECKey key(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
