package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.SqlStatements;
import fr.ameli.idp.TestBrowser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * A regression guard for the hot paths (not a timing): how many SQL statements each OpenID Connect operation makes
 * the service run, and how many round trips to PostgreSQL that costs, counted by {@link SqlStatements}. Round trips
 * are the statements (BEGIN and COMMIT included) plus the connection pool's own: none, since the pool validates a
 * connection locally ({@code spring.r2dbc.pool.validation-depth: local}) instead of by a query. The expected
 * counts are exact: a change that adds one fails here, and a change that removes one must lower the number (and say
 * so in its commit). The operations are those of the benchmark (bench/README.md); the login runs here with the
 * security code enabled on a known browser, whose check is a column of the login's first statement: the same count
 * as in the benchmark, which turns the code off.
 */
@IdpIntegrationTest
class SqlStatementsPerOperationTests {

    /** What an operation costs the database: statements the service runs, and round trips in all. */
    record Cost(int statements, int roundTrips) {
    }

    /** Per operation, today. */
    static final Map<String, Cost> EXPECTED = expected();

    private static Map<String, Cost> expected() {
        Map<String, Cost> m = new LinkedHashMap<>();
        m.put("discovery", new Cost(0, 0));
        m.put("jwks", new Cost(0, 0));
        // the pending request is saved for the login page
        m.put("authorize without a session (to the login page)", new Cost(1, 1));
        m.put("login page", new Cost(1, 1));
        // attempt counted (per NIR and client address) with the account and the known browser read (one statement);
        // session stored, the attempt refunded (password right), the pending request and consent read and answered
        // (one statement)
        m.put("login form posted (password right, consent given: back to the RP with a code)", new Cost(2, 2));
        // one statement consumes the code, checks it and issues the access token
        m.put("token (code exchanged)", new Cost(1, 1));
        m.put("userinfo (signed JWT)", new Cost(1, 1));
        // session and consent read, and the code issued where they answer at once, in one statement
        m.put("authorize with the session cookie (SSO, prompt=none)", new Cost(1, 1));
        m.put("token after SSO", new Cost(1, 1));
        return m;
    }

    @LocalServerPort
    int port;

    @Autowired
    DatabaseClient db;

    OidcTestClient rp;
    TestBrowser backChannel;
    TestBrowser bearer;
    final Map<String, Cost> counts = new LinkedHashMap<>();
    final Map<String, List<String>> statements = new LinkedHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        rp = new OidcTestClient(port);
        KnownDevices.remember(db, rp.browser, "2850575112034");
        backChannel = OidcTestClient.demoBackChannel(port);
        // Person 1 has consented to the demo RP once (the consent page is not a hot path).
        OidcTestClient.Started first = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid profile email birth", null);
        TestBrowser.Response next = rp.login(rp.browser.get(first.uri().toString()), OidcTestClient.MARTIN_NIR,
                OidcTestClient.MARTIN_PASSWORD);
        if ("/consent".equals(next.location().getPath())) {
            rp.consent(next);
        }
        rp.browser.forget("AMELI_SESSION");
    }

    @Test
    void oidcOperationsWhenCountedThenEachRunsExactlyTheExpectedStatements() {
        Counter count = this::counted;
        assertThat(count.run("discovery", () -> rp.browser.get("/.well-known/openid-configuration")).status()).isEqualTo(HttpStatus.OK);
        assertThat(count.run("jwks", () -> rp.browser.get("/jwks")).status()).isEqualTo(HttpStatus.OK);

        // A fresh login: authorize → login page → NIR + password → back to the RP with a code → token → userinfo.
        OidcTestClient.Started login = request(null);
        TestBrowser.Response toLogin = count.run("authorize without a session (to the login page)",
                () -> rp.browser.get(login.uri().toString()));
        assertThat(toLogin.location().getPath()).isEqualTo("/login");
        TestBrowser.Response page = count.run("login page", () -> rp.browser.follow(toLogin));
        assertThat(page.status()).isEqualTo(HttpStatus.OK);
        TestBrowser.Response callback = count.run("login form posted (password right, consent given: back to the RP with a code)",
                () -> rp.browser.post("/login", Map.of("nir", OidcTestClient.MARTIN_NIR,
                        "password", OidcTestClient.MARTIN_PASSWORD, "auth", toLogin.query("auth"))));
        assertThat(callback.location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?code=");
        TestBrowser.Response tokens = count.run("token (code exchanged)", () -> OidcTestClient.demoCodeExchange(backChannel, callback, login));
        assertThat(tokens.status()).isEqualTo(HttpStatus.OK);
        bearer = new TestBrowser(port).header("Authorization", "Bearer " + OidcTestClient.accessToken(tokens));
        TestBrowser.Response userinfo = count.run("userinfo (signed JWT)", () -> bearer.get("/userinfo"));
        assertThat(userinfo.status()).isEqualTo(HttpStatus.OK);

        // SSO: the same browser, with its session cookie, gets a code without interaction.
        OidcTestClient.Started sso = request("none");
        TestBrowser.Response ssoCallback = count.run("authorize with the session cookie (SSO, prompt=none)",
                () -> rp.browser.get(sso.uri().toString()));
        assertThat(ssoCallback.location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?code=");
        assertThat(count.run("token after SSO", () -> OidcTestClient.demoCodeExchange(backChannel, ssoCallback, sso)).status()).isEqualTo(HttpStatus.OK);

        assertThat(counts).as("SQL statements and round trips per operation; recorded: %s", statements).isEqualTo(EXPECTED);
    }

    @FunctionalInterface
    private interface Counter {
        TestBrowser.Response run(String operation, Supplier<TestBrowser.Response> call);
    }

    /** Runs one operation with a new statement log (sent by every browser of the test), and keeps its count. */
    private TestBrowser.Response counted(String operation, Supplier<TestBrowser.Response> call) {
        String log = SqlStatements.newLog();
        for (TestBrowser b : new TestBrowser[] {rp.browser, backChannel, bearer}) {
            if (b != null) {
                b.header(SqlStatements.HEADER, log);
            }
        }
        TestBrowser.Response response = call.get();
        statements.put(operation, SqlStatements.of(log));
        counts.put(operation, new Cost(SqlStatements.ofService(log).size(), SqlStatements.of(log).size()));
        return response;
    }

    private OidcTestClient.Started request(String prompt) {
        return rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT, "openid profile email birth", prompt);
    }
}
