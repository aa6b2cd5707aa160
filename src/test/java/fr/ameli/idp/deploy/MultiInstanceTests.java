package fr.ameli.idp.deploy;

import static fr.ameli.idp.registry.TestInsuredPersons.eligible;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import fr.ameli.idp.IdpApplication;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.OperatorApi;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.platform.OperatorServer;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import fr.ameli.idp.token.SigningKeys;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Two instances of the service on different ports against one PostgreSQL, as replicas behind one URL:
 * every piece of state must be in the database, so any request may land on either.
 */
@IdpIntegrationTest
class MultiInstanceTests {

    @LocalServerPort
    int portA;

    @Autowired
    DatabaseClient db;

    @Autowired
    SigningKeys keysA;

    static ConfigurableApplicationContext instanceB;
    static int portB;

    TestBrowser browser;

    @BeforeEach
    void startSecondInstance() throws IOException {
        if (instanceB == null) {
            portB = freePort();
            instanceB = replica(portB, "--idp.keys.refresh-interval=1s");
        }
        browser = new TestBrowser(portA);
    }

    /**
     * Stops the replica as a whole, like a deleted pod: its web servers, its background loops (mail sender, key
     * refresh) and its connection pool. Each replica runs on Reactor Netty resources of its own
     * ({@link ReplicaResources}), so closing it leaves the JVM-wide ones that the test instance uses alone.
     */
    static void kill(ConfigurableApplicationContext instance) {
        instance.close();
    }

    /** Event loops of the replica's own, disposed with it (Boot's default are Reactor Netty's global ones). */
    @TestConfiguration(proxyBeanMethods = false)
    static class ReplicaResources {

        @Bean
        ReactorResourceFactory reactorResourceFactory() {
            ReactorResourceFactory resources = new ReactorResourceFactory();
            resources.setUseGlobalResources(false);
            return resources;
        }
    }

    @AfterAll
    static void stopSecondInstance() {
        if (instanceB != null) {
            kill(instanceB);
            instanceB = null;
        }
    }

    @Test
    void enrollmentWhenStartedOnOneInstanceThenFinishedOnTheOther() {
        importPerson("1800144109051", "REPLIQUE");
        browser.get("/inscription");
        browser.post("/inscription/identite", Map.of("nom", "Replique", "nir", "1800144109051",
                "dateNaissance", "01/01/1980", "codePostal", "44000"));
        TestBrowser onB = browser.on(portB);
        onB.get("/inscription/verification");
        assertThat(onB.post("/inscription/verification", Map.of("iban7", "3024474", "carteVitale11", "80014410900"))
                .location().getPath()).isEqualTo("/inscription/cgu");
        browser.get("/inscription/cgu");
        assertThat(browser.post("/inscription/cgu", Map.of("decision", "accepter")).location().getPath())
                .isEqualTo("/inscription/mot-de-passe");
        // A stale form posted to the other replica for an already passed step is sent to the current one.
        onB.get("/inscription/mot-de-passe");
        assertThat(onB.post("/inscription/cgu", Map.of("decision", "accepter")).location().getPath())
                .isEqualTo("/inscription/mot-de-passe");
    }

    @Test
    void enrollmentWhenOneInstanceIsStoppedMidwayThenTheOtherCarriesOn() throws IOException {
        importPerson("1800144109052", "SURVIVANT");
        int portC = freePort();
        ConfigurableApplicationContext instanceC = replica(portC);
        ConnectionPool poolC = (ConnectionPool) instanceC.getBean(ConnectionFactory.class);
        TestBrowser onC = browser.on(portC);
        onC.get("/inscription");
        onC.post("/inscription/identite", Map.of("nom", "Survivant", "nir", "1800144109052",
                "dateNaissance", "01/01/1980", "codePostal", "44000"));
        onC.get("/inscription/verification");
        onC.post("/inscription/verification", Map.of("iban7", "3024474", "carteVitale11", "80014410900"));
        kill(instanceC);
        assertThat(instanceC.isActive()).isFalse();
        assertThat(poolC.isDisposed()).as("the stopped replica no longer holds database connections").isTrue();

        TestBrowser.Response page = browser.get("/inscription/cgu");
        assertThat(page.status()).isEqualTo(HttpStatus.OK);
        assertThat(browser.post("/inscription/cgu", Map.of("decision", "accepter")).location().getPath())
                .isEqualTo("/inscription/mot-de-passe");
    }

    @Test
    void loginWhenDoneOnOneInstanceThenSsoOnTheOtherAndCodeRedeemedThere() throws Exception {
        KnownDevices.remember(db, browser, "2850575112034");
        URI authorize = URI.create("/authorize?response_type=code&client_id=demo-rp&redirect_uri=http://localhost:9876/callback"
                + "&scope=openid&state=replica-state&nonce=" + "n".repeat(32)
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
        TestBrowser.Response toLogin = browser.get(authorize.toString());
        browser.follow(toLogin);
        TestBrowser.Response afterLogin = browser.post("/login", Map.of("nir", "2850575112034",
                "password", "Ameli-Demo-2026", "auth", toLogin.query("auth")));
        if ("/consent".equals(afterLogin.location().getPath())) {
            browser.follow(afterLogin);
            browser.post("/consent", Map.of("auth", afterLogin.query("auth"), "decision", "accepter"));
        }

        TestBrowser onB = browser.on(portB);
        TestBrowser.Response sso = onB.get(authorize.toString());
        assertThat(sso.location().toString()).as("SSO on the other replica").startsWith("http://localhost:9876/callback?code=");

        // The code issued by B is redeemed on A.
        com.nimbusds.oauth2.sdk.http.HTTPRequest token = new com.nimbusds.oauth2.sdk.TokenRequest(
                URI.create("http://localhost:" + portA + "/token"),
                new ClientSecretBasic(new ClientID("demo-rp"), new Secret("demo-rp-secret-0123456789abcdef0123456789")),
                new com.nimbusds.oauth2.sdk.AuthorizationCodeGrant(new com.nimbusds.oauth2.sdk.AuthorizationCode(sso.query("code")),
                        URI.create("http://localhost:9876/callback"),
                        new com.nimbusds.oauth2.sdk.pkce.CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))).toHTTPRequest();
        token.setReadTimeout(15_000);
        assertThat(OIDCTokenResponseParser.parse(token.send()).indicatesSuccess()).isTrue();
    }

    @Test
    void keyWhenRotatedByOneInstanceThenPublishedByBoth() throws Exception {
        keysA.rotate().block(Duration.ofSeconds(30));
        Set<String> onA = kids(portA);
        // B reloads the keys every second (idp.keys.refresh-interval=1s).
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(kids(portB)).containsAll(onA));
        assertThat(onA.size()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void proofLockoutWhenCountedAcrossInstancesThenHoldsOnBoth() {
        importPerson("1800144109053", "VERROU");
        browser.get("/inscription");
        browser.post("/inscription/identite", Map.of("nom", "Verrou", "nir", "1800144109053",
                "dateNaissance", "01/01/1980", "codePostal", "44000"));
        TestBrowser onB = browser.on(portB);
        for (TestBrowser replica : new TestBrowser[] {browser, onB, browser}) {
            replica.get("/inscription/verification");
            replica.post("/inscription/verification", Map.of("iban7", "0000000", "carteVitale11", "00000000000"));
        }
        onB.get("/inscription/verification");
        TestBrowser.Response locked = onB.post("/inscription/verification",
                Map.of("iban7", "3024474", "carteVitale11", "80014410900"));
        assertThat(locked.body()).contains("trop d&#39;erreurs");
    }

    @Test
    void passwordFailuresWhenSpreadOverInstancesThenCountedTogetherAndNirRefused() {
        importPerson("1800144109054", "ESSAIS");
        fr.ameli.idp.account.PasswordHasher hasher = instanceB.getBean(fr.ameli.idp.account.PasswordHasher.class);
        instanceB.getBean(fr.ameli.idp.account.Accounts.class).provision(fr.ameli.idp.registry.Nir.parse("1800144109054"),
                fr.ameli.idp.account.AccountStatus.ACTIVE, "essais@example.org", hasher.hash("Essais-Ameli-2026").block()).block();
        KnownDevices.remember(db, browser, "1800144109054");
        TestBrowser onB = browser.on(portB);
        for (int i = 0; i < 10; i++) {
            TestBrowser replica = i % 2 == 0 ? browser : onB;
            replica.get("/login");
            assertThat(replica.post("/login", Map.of("nir", "1800144109054", "password", "Wrong-" + i)).body())
                    .contains("incorrect");
        }
        browser.get("/login");
        TestBrowser.Response refused = browser.post("/login", Map.of("nir", "1800144109054", "password", "Essais-Ameli-2026"));
        assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(refused.body()).contains("Trop de tentatives");
        // Another person is not affected.
        KnownDevices.remember(db, browser, "2850575112034");
        browser.get("/login");
        assertThat(browser.post("/login", Map.of("nir", "2850575112034", "password", "Ameli-Demo-2026")).status())
                .isEqualTo(HttpStatus.SEE_OTHER);
    }

    /** The run command's settings: no operator token (the operator APIs then do not exist), demo data, dev pages. */
    @Test
    void instanceWhenStartedWithConfigDefaultsThenServesWithoutOperatorApis() throws IOException {
        int portD = freePort();
        ConfigurableApplicationContext instanceD = replica(portD, "--idp.operator.token=");
        try {
            TestBrowser d = new TestBrowser(portD);
            int managementPort = instanceD.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
            assertThat(new TestBrowser(managementPort).get("/actuator/health/readiness").status()).isEqualTo(HttpStatus.OK);
            assertThat(d.get("/login").status()).isEqualTo(HttpStatus.OK);
            assertThat(instanceD.getBean(OperatorServer.class).port()).as("no operator port without a token").isEqualTo(-1);
            org.springframework.test.web.reactive.server.WebTestClient.bindToServer().baseUrl("http://localhost:" + portD).build()
                    .put().uri("/operator/clients/x").headers(h -> h.setBearerAuth(""))
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue("{}")
                    .exchange().expectStatus().isNotFound();
        } finally {
            kill(instanceD);
        }
    }

    private static Set<String> kids(int port) throws Exception {
        return JWKSet.load(new URL("http://localhost:" + port + "/jwks"), 5_000, 15_000, 0).getKeys().stream()
                .map(k -> k.getKeyID()).collect(Collectors.toSet());
    }

    private void importPerson(String nir13, String name) {
        TestInsuredPersons.importInto(instanceB.getBean(Registry.class), eligible(nir13, name));
    }

    /** Another replica: same database, same public URL (issuer), its own port. Arguments outrank config/. */
    private ConfigurableApplicationContext replica(int port, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--server.port=" + port,
                "--idp.issuer=http://localhost:" + portA, "--idp.embedded.data-dir=target/embedded-pg",
                "--idp.embedded.smtp-port=0", "--logging.level.root=WARN", "--idp.operator.token=" + OperatorApi.TOKEN,
                "--management.server.port=0", "--idp.operator.port=0",
                "--server.shutdown=immediate", "--spring.main.register-shutdown-hook=false"));
        for (String e : extra) {
            String key = e.substring(0, e.indexOf('=') + 1);
            args.removeIf(a -> a.startsWith(key));
            args.add(e);
        }
        return new SpringApplicationBuilder(IdpApplication.class, ReplicaResources.class).run(args.toArray(String[]::new));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
