package fr.ameli.idp.oidc;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.openid.connect.sdk.claims.LogoutTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.LogoutTokenValidator;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.OperatorApi;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.client.ClientProperties;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.platform.BackgroundJobs;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import fr.ameli.idp.retention.Sweeps;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Back-Channel Logout 1.0 over real HTTP: WireMock plays the relying parties' back-channel endpoints (the external
 * party), and each logout token it receives is checked with the Nimbus SDK's {@link LogoutTokenValidator} against the
 * provider's JWKS, as an RP would ({@link OidcTestClient#logoutToken}). RP A is registered as {@code config/} does (a {@link ClientProperties}), RP B
 * through the operator API; the demo RP has no {@code backchannel_logout_uri}.
 */
@IdpIntegrationTest
class BackchannelLogoutTests {

    static final String RP_A = "rp-bcl-a";
    static final String RP_B = "rp-bcl-b";
    static final String SECRET_A = "rp-bcl-a-secret-0123456789abcdef0123456789";
    static final String SECRET_B = "rp-bcl-b-secret-0123456789abcdef0123456789";
    static final String MARTIN_NIR13 = "2850575112034";
    static final String CHANGE_NIR = "1930744109761";
    static final String CHANGE_PASSWORD = "Change-Sessions-2026";
    static final String EXPIRY_NIR = "1930744109771";
    static final String EXPIRY_PASSWORD = "Expiry-Sessions-2026";
    static final String JOB = "backchannel-logout";

    @LocalServerPort
    int port;

    @Value("${" + OperatorApi.PORT + "}")
    int operatorPort;

    @Value("${idp.retention.grace}")
    Duration retentionGrace;

    @Autowired
    DatabaseClient db;

    @Autowired
    RelyingParties relyingParties;

    @Autowired
    Registry registry;

    @Autowired
    Accounts accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    MutableClock clock;

    @Autowired
    IdpProperties idp;

    @Autowired
    BackgroundJobs jobs;

    @Autowired
    ApplicationContext context;

    WireMockServer rpServer;
    OidcTestClient rp;

    @BeforeEach
    void setUp() throws Exception {
        rpServer = new WireMockServer(options().dynamicPort());
        rpServer.start();
        rpServer.stubFor(post(urlPathMatching("/[ab]/logout")).willReturn(aResponse().withStatus(200)
                .withHeader("Cache-Control", "no-store")));
        db.sql("delete from backchannel_logout where client_id like 'rp-bcl-%'").then().block();
        relyingParties.register(new ClientProperties(RP_A, "Back-channel A (test)", OidcFlowTests.sha256(SECRET_A),
                List.of("client_secret_basic"), List.of(OidcTestClient.DEMO_REDIRECT), List.of(), List.of("openid"), "ES256",
                null, "bcl-a.example", null, null, null, null, null, null, null, null, null, null, null,
                endpoint("/a/logout"), true), "test").block();
        OperatorApi.client(operatorPort).put().uri("/operator/clients/" + RP_B)
                .header("Content-Type", "application/json")
                .bodyValue(Map.of("client_name", "Back-channel B (test)", "redirect_uris", List.of(OidcTestClient.DEMO_REDIRECT),
                        "token_endpoint_auth_method", "client_secret_basic",
                        "client_secret_sha256", OidcFlowTests.sha256(SECRET_B), "scope", "openid", "sector", "bcl-b.example",
                        "backchannel_logout_uri", endpoint("/b/logout")))
                .exchange().expectStatus().isOk();
        person(CHANGE_NIR, "CHANGEMENT", "bcl.change@example.org", CHANGE_PASSWORD);
        person(EXPIRY_NIR, "EXPIRATION", "bcl.expiry@example.org", EXPIRY_PASSWORD);
        rp = new OidcTestClient(port);
        KnownDevices.remember(db, rp.browser, MARTIN_NIR13);
    }

    @AfterEach
    void tearDown() {
        clock.reset();
        jobs.start(JOB);
        rpServer.stop();
        // Sessions of these RPs that other tests end later must not queue tokens for a server that is gone.
        db.sql("update relying_party set backchannel_logout_uri = null, backchannel_logout_session_required = false "
                + "where client_id like 'rp-bcl-%'").then().block();
        db.sql("delete from backchannel_logout where client_id like 'rp-bcl-%'").then().block();
    }

    @Test
    void sessionSidWhenUsedInAStatementThenExpandedIntoItWithTheSameValue() throws Exception {
        // Run as a function of its own, session_sid was parsed and planned again on every code issued (V25).
        String plan = String.join("\n", db.sql("explain (verbose) select session_sid(id_hash, 'rp-x') from login_session")
                .map(row -> row.get(0, String.class)).all().collectList().block());
        assertThat(plan).contains("sha256(").contains("convert_to(").doesNotContain("session_sid(");

        // The value it always had: SHA-256 of the session's hash, "|sid|" and the client, in base64url.
        byte[] sessionHash = {1, 2, 3, (byte) 0xfe};
        byte[] suffix = "|sid|rp-é".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var digest = java.security.MessageDigest.getInstance("SHA-256");
        digest.update(sessionHash);
        String expected = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest(suffix));
        assertThat(db.sql("select session_sid(:hash, :client) as sid").bind("hash", sessionHash).bind("client", "rp-é")
                .map(row -> row.get("sid", String.class)).one().block()).isEqualTo(expected);
    }

    @Test
    void discoveryWhenFetchedThenBackChannelLogoutAndItsSessionAreSupported() {
        assertThat(rp.metadata.supportsBackChannelLogout()).isTrue();
        assertThat(rp.metadata.supportsBackChannelLogoutSession()).isTrue();
        assertThat(rp.metadata.supportsFrontChannelLogout()).isFalse();
        assertThat(rp.metadata.getClaims()).contains("sid");
    }

    @Test
    void rpInitiatedLogoutWhenTheSessionSignedInToSeveralRpsThenOnlyItsRpsWithAUriGetAVerifiableToken() throws Exception {
        OidcTestClient.SignedIn atA = rp.signIn(RP_A, SECRET_A, OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD);
        OidcTestClient.SignedIn atDemo = rp.signIn(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_SECRET,
                OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD);
        assertThat(atA.sid()).as("a sid in every ID token").isNotBlank();
        assertThat(atDemo.sid()).as("one per RP: two RPs cannot link their users through it").isNotBlank()
                .isNotEqualTo(atA.sid());
        assertThat(rp.signIn(RP_A, SECRET_A, OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD).sid())
                .as("the same session, the same RP: the same sid").isEqualTo(atA.sid());
        // The same person on another browser, signed in to RP B only.
        OidcTestClient other = new OidcTestClient(port);
        KnownDevices.remember(db, other.browser, MARTIN_NIR13);
        OidcTestClient.SignedIn otherAtB = other.signIn(RP_B, SECRET_B, OidcTestClient.MARTIN_NIR,
                OidcTestClient.MARTIN_PASSWORD);

        // The sender is stopped: what the logout queued is seen in the outbox before anything is sent.
        jobs.stop(JOB);
        TestBrowser.Response out = rp.browser.get("/logout?id_token_hint=" + atA.idToken() + "&client_id=" + RP_A);
        assertThat(out.status()).isEqualTo(HttpStatus.OK);
        assertThat(out.body()).contains("Vous avez été déconnecté");
        assertThat(queued()).as("one row, for A: the demo RP has no backchannel_logout_uri, B is another session's")
                .containsExactly(RP_A);
        assertThat(requests("/a/logout")).isEmpty();

        jobs.start(JOB);
        LogoutTokenClaimsSet token = rp.logoutToken(awaitLogout("/a/logout", atA.sid()), RP_A);
        assertThat(token.getSubject().getValue()).as("the pairwise sub of A's ID token").isEqualTo(atA.sub());
        assertThat(token.getSessionID().getValue()).isEqualTo(atA.sid());
        await().atMost(Duration.ofSeconds(10)).until(() -> queued().isEmpty());
        assertThat(requests("/a/logout")).hasSize(1);
        assertThat(requests("/b/logout")).as("B's session is still open").isEmpty();

        // The other browser's session ends: B is told, with its own sub and sid; A is not told again.
        other.browser.get("/logout?id_token_hint=" + otherAtB.idToken() + "&client_id=" + RP_B);
        LogoutTokenClaimsSet toB = rp.logoutToken(awaitLogout("/b/logout", otherAtB.sid()), RP_B);
        assertThat(toB.getSubject().getValue()).isEqualTo(otherAtB.sub()).isNotEqualTo(atA.sub());
        assertThat(requests("/a/logout")).hasSize(1);
    }

    @Test
    void logoutConfirmedWhenTheRpAnswers500FirstThenRetriedWithBackoffAndDeliveredLater() throws Exception {
        rpServer.stubFor(post(urlEqualTo("/a/logout")).inScenario("down").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("up"));
        rpServer.stubFor(post(urlEqualTo("/a/logout")).inScenario("down").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        OidcTestClient.SignedIn atA = rp.signIn(RP_A, SECRET_A, OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD);

        // Without a hint: the confirmation page, then its form ends the session.
        rp.browser.get("/logout");
        TestBrowser.Response confirmed = rp.browser.post("/logout/confirmation", Map.of());
        assertThat(confirmed.body()).contains("Vous avez été déconnecté");

        await().atMost(Duration.ofSeconds(15)).until(() -> requests("/a/logout").size() >= 2);
        List<LoggedRequest> attempts = requests("/a/logout");
        LogoutTokenClaimsSet first = rp.logoutToken(attempts.get(0), RP_A);
        LogoutTokenClaimsSet second = rp.logoutToken(attempts.get(1), RP_A);
        assertThat(second.getSessionID().getValue()).isEqualTo(first.getSessionID().getValue()).isEqualTo(atA.sid());
        assertThat(second.getJWTID()).as("a new token at each attempt").isNotEqualTo(first.getJWTID());
        assertThat(Duration.between(attempts.get(0).getLoggedDate().toInstant(), attempts.get(1).getLoggedDate().toInstant()))
                .as("after the backoff (1 s in the tests)").isGreaterThanOrEqualTo(Duration.ofMillis(900));
        await().atMost(Duration.ofSeconds(10)).until(() -> queued().isEmpty());
        // delivered once: not sent again by the polls that follow
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> requests("/a/logout").size() == 2);
    }

    @Test
    void logoutWhenTheRpRefusesTheTokenThenDroppedWithoutRetry() throws Exception {
        rpServer.stubFor(post(urlEqualTo("/a/logout")).willReturn(aResponse().withStatus(400)));
        OidcTestClient.SignedIn atA = rp.signIn(RP_A, SECRET_A, OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD);
        rp.browser.get("/logout?id_token_hint=" + atA.idToken() + "&client_id=" + RP_A);

        awaitLogout("/a/logout", atA.sid());
        await().atMost(Duration.ofSeconds(10)).until(() -> queued().isEmpty());
        // past the first retry's backoff (1 s in the tests): refused means never tried again
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> requests("/a/logout").size() == 1);
    }

    @Test
    void passwordChangeWhenOtherSessionsEndThenTheirRpsAreTold() throws Exception {
        OidcTestClient rpSide = new OidcTestClient(port);
        KnownDevices.remember(db, rpSide.browser, CHANGE_NIR);
        OidcTestClient.SignedIn atA = rpSide.signIn(RP_A, SECRET_A, CHANGE_NIR, CHANGE_PASSWORD);

        TestBrowser self = new TestBrowser(port);
        KnownDevices.remember(db, self, CHANGE_NIR);
        self.get("/login");
        assertThat(self.post("/login", Map.of("nir", CHANGE_NIR, "password", CHANGE_PASSWORD)).location().getPath())
                .isEqualTo("/");
        self.get("/compte/mes-informations");
        assertThat(self.post("/compte/mes-informations/mot-de-passe", Map.of("actuel", CHANGE_PASSWORD,
                "motDePasse", "Nouveau-Secret-42!", "confirmation", "Nouveau-Secret-42!")).status())
                .isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(rpSide.browser.get("/").body()).as("the RP's session ended").doesNotContain("Vous êtes connecté");

        LogoutTokenClaimsSet token = rp.logoutToken(awaitLogout("/a/logout", atA.sid()), RP_A);
        assertThat(token.getSubject().getValue()).isEqualTo(atA.sub());
    }

    @Test
    void sessionExpiryWhenTheSweepRemovesItThenItsRpsAreTold() throws Exception {
        OidcTestClient rpSide = new OidcTestClient(port);
        KnownDevices.remember(db, rpSide.browser, EXPIRY_NIR);
        OidcTestClient.SignedIn atA = rpSide.signIn(RP_A, SECRET_A, EXPIRY_NIR, EXPIRY_PASSWORD);

        clock.advance(idp.oidc().sessionTtl().plus(retentionGrace).plusMinutes(1));
        Sweeps.now(context);

        LogoutTokenClaimsSet token = rp.logoutToken(awaitLogout("/a/logout", atA.sid()), RP_A);
        assertThat(token.getSubject().getValue()).isEqualTo(atA.sub());
    }

    private String endpoint(String path) {
        return "http://localhost:" + rpServer.port() + path;
    }

    private void person(String nir13, String name, String email, String password) {
        if (accounts.findByNir(Nir.parse(nir13)).blockOptional().isEmpty()) {
            TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(nir13, name).givenNames("Paul")
                    .birthDate("1993-07-01").withoutProof());
            accounts.provision(Nir.parse(nir13), AccountStatus.ACTIVE, email, hasher.hash(password).block()).block();
        } else {
            db.sql("update account set password_hash = :hash where nir = :nir").bind("hash", hasher.hash(password).block())
                    .bind("nir", nir13).then().block();
        }
    }

    /** The clients of the rows waiting in the outbox for the test's RPs. */
    private List<String> queued() {
        return db.sql("select client_id from backchannel_logout where client_id like 'rp-bcl-%' order by client_id")
                .map(row -> row.get(0, String.class)).all().collectList().block();
    }

    private List<LoggedRequest> requests(String path) {
        return rpServer.findAll(postRequestedFor(urlEqualTo(path)));
    }

    /** The first logout token POSTed to {@code path} for the session {@code sid}. */
    private LoggedRequest awaitLogout(String path, String sid) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> requests(path).stream()
                .filter(r -> sid.equals(OidcTestClient.sidOf(r))).findFirst(), Optional::isPresent).orElseThrow();
    }
}
