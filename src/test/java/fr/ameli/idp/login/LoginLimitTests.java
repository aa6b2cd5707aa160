package fr.ameli.idp.login;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Password guessing on the login form (issue 10, item 1): one counter per canonical NIR whatever the spaces or
 * the key, a slot taken before the hash so that a parallel burst gets no more tries than a sequence, right
 * passwords not counted, and a limit per client address (10 per NIR per 15 minutes, 30 per address per hour).
 */
@IdpIntegrationTest
class LoginLimitTests {

    static final String PASSWORD = "Limites-Ameli-2026";

    static final String AUTHORIZE = "/authorize?response_type=code&client_id=demo-rp"
            + "&redirect_uri=http://localhost:9876/callback&scope=openid&state=limites-state&nonce=" + "n".repeat(32)
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";

    @LocalServerPort
    int port;

    @Autowired
    DatabaseClient db;

    @Autowired
    Registry registry;

    @Autowired
    Accounts accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    MutableClock clock;

    @BeforeEach
    void setUp() {
        // Time stands still: a test never straddles two windows of a limit.
        clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        TestInsuredPersons.importInto(registry, Stream.of("1750144109001", "1750144109002", "1750144109003", "1750144109004",
                        "1750144109005", "1750144109006", "1750144109007", "1750144109008")
                .map(nir -> TestInsuredPersons.eligible(nir, "LIMITE").givenNames("Paul").birthDate("1975-01-01").withoutProof())
                .toArray(TestInsuredPersons.Builder[]::new));
        String hash = hasher.hash(PASSWORD).block();
        for (String nir : List.of("1750144109001", "1750144109002", "1750144109003", "1750144109004", "1750144109005",
                "1750144109006", "1750144109007", "1750144109008")) {
            accounts.provision(Nir.parse(nir), AccountStatus.ACTIVE, "limite" + nir.substring(10) + "@example.org", hash).block();
        }
    }

    @AfterEach
    void tearDown() {
        clock.reset();
    }

    @Test
    void loginWhenNirWrittenWithUnicodeSpacesOrKeyThenOneCounterForTheNir() {
        // The same NIR (key 60 computed below) as people and scripts may type it: each variant used to be a counter.
        String key = Nir.parse("1750144109001").key();
        List<String> variants = List.of("1750144109001", "1 75 01 44 109 001", "1\u00a075\u00a001\u00a044\u00a0109\u00a0001",
                "1\u200775\u200701 44 109 001", "1\u202f75 01 44 109 001 " + key, "1750144109001" + key, " 1750144109001\t",
                "1\u300075 01 44 109 001", "1 75 01 44 109 001\u00a0" + key, "1\u200a750144109001");
        for (String variant : variants) {
            TestBrowser attacker = new TestBrowser(port);
            assertThat(logIn(attacker, variant, "Devine-" + variants.indexOf(variant)).body()).contains("est incorrect");
        }
        TestBrowser.Response refused = logIn(new TestBrowser(port), "1\u00a075 01 44 109 001", PASSWORD);
        assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(refused.body()).contains("Trop de tentatives de connexion ont échoué pour ce numéro");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        // Another person is not concerned.
        assertThat(logIn(known("1750144109002"), "1750144109002", PASSWORD).status()).isEqualTo(HttpStatus.SEE_OTHER);
    }

    @Test
    void loginWhenTwentyWrongPasswordsAtOnceThenNoMoreChecksThanTheLimit() throws Exception {
        List<TestBrowser> attackers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestBrowser attacker = new TestBrowser(port);
            attacker.get("/login");
            attackers.add(attacker);
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<CompletableFuture<TestBrowser.Response>> tries = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                TestBrowser attacker = attackers.get(i);
                String guess = "Devine-" + i;
                tries.add(CompletableFuture.supplyAsync(() -> attacker.post("/login",
                        Map.of("nir", "1750144109003", "password", guess)), pool));
            }
            List<HttpStatus> statuses = tries.stream().map(CompletableFuture::join).map(TestBrowser.Response::status).toList();
            // Each checked try is counted before its hash: 10 were checked (and wrong), the rest refused unchecked.
            assertThat(statuses).filteredOn(HttpStatus.OK::equals).hasSize(10);
            assertThat(statuses).filteredOn(HttpStatus.TOO_MANY_REQUESTS::equals).hasSize(10);
        } finally {
            pool.shutdownNow();
        }
        assertThat(logIn(known("1750144109003"), "1750144109003", PASSWORD).status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    }

    @Test
    void loginWhenRightPasswordThenItsTryIsNotCounted() {
        nineWrongTries("1750144109002");
        // The person logs in between the wrong tries: that try gives its slot back.
        assertThat(logIn(known("1750144109002"), "1750144109002", PASSWORD).status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertLastSlotStillFree("1750144109002");
    }

    @Test
    void loginWhenRightPasswordForAWaitingRequestThenItsTryIsNotCounted() {
        nineWrongTries("1750144109005");
        // The session is stored by the statement that answers the relying party's request, and the slots go back there.
        TestBrowser browser = known("1750144109005");
        String auth = waitingRequest(browser);
        TestBrowser.Response loggedIn = logInFor(browser, "1750144109005", auth);
        assertThat(loggedIn.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(loggedIn.headers().getOrEmpty("Set-Cookie")).anyMatch(cookie -> cookie.startsWith("AMELI_SESSION="));
        assertLastSlotStillFree("1750144109005");
    }

    @Test
    void loginWhenRightPasswordOnANewBrowserThenItsTryIsNotCounted() {
        nineWrongTries("1750144109006");
        // No session yet (a security code is sent first): the slots go back in a statement of their own.
        TestBrowser.Response challenged = logIn(new TestBrowser(port), "1750144109006", PASSWORD);
        assertThat(challenged.location().getPath()).isEqualTo("/login/code");
        assertLastSlotStillFree("1750144109006");
    }

    @Test
    void loginWhenTheSessionCannotBeStoredThenTheRightPasswordIsStillNotCounted() {
        nineWrongTries("1750144109007");
        try {
            // The database refuses this person's sessions: the statement that was to give the try back fails, with a
            // waiting request and without.
            db.sql("create or replace function refuse_session_1750144109007() returns trigger language plpgsql as $$ begin "
                    + "if new.account_id = (select id from account where nir = '1750144109007') then "
                    + "raise exception 'session refused for the test'; end if; return new; end $$").then().block();
            db.sql("create trigger refuse_session_1750144109007 before insert on login_session for each row "
                    + "execute function refuse_session_1750144109007()").then().block();
            TestBrowser.Response alone = logIn(known("1750144109007"), "1750144109007", PASSWORD);
            assertThat(alone.status().is5xxServerError()).as("status %s", alone.status()).isTrue();
            assertThat(alone.headers().getOrEmpty("Set-Cookie")).noneMatch(cookie -> cookie.startsWith("AMELI_SESSION="));
            TestBrowser browser = known("1750144109007");
            String auth = waitingRequest(browser);
            TestBrowser.Response forRequest = logInFor(browser, "1750144109007", auth);
            assertThat(forRequest.status().is5xxServerError()).as("status %s", forRequest.status()).isTrue();
        } finally {
            db.sql("drop trigger if exists refuse_session_1750144109007 on login_session").then().block();
            db.sql("drop function if exists refuse_session_1750144109007()").then().block();
        }
        // Both tries were given back all the same.
        assertLastSlotStillFree("1750144109007");
    }

    @Test
    void loginWhenTheRequestExpiredMeanwhileThenTheRightPasswordIsGivenBackOnce() {
        nineWrongTries("1750144109008");
        TestBrowser browser = known("1750144109008");
        String auth = waitingRequest(browser);
        db.sql("delete from pending_authorization where id = :id").bind("id", auth).then().block();
        // The session's statement ran (and gave the try back); the flow then refuses the request, which is no
        // failure of that statement: the slots must not go back a second time, or a wrong try would be erased.
        TestBrowser.Response expired = logInFor(browser, "1750144109008", auth);
        assertThat(expired.body()).contains("expiré");
        assertLastSlotStillFree("1750144109008");
    }

    @Test
    void loginWhenThirtyWrongFromOneAddressThenThatAddressIsRefusedAndOthersAreNot() {
        TestBrowser sprayer = new TestBrowser(port);
        for (int i = 0; i < 30; i++) {
            // Password spraying: a different NIR each time, so that only the address can be counted.
            assertThat(logIn(sprayer, String.format("1750144109%03d", 500 + i), "Ameli-2026!").status()).isEqualTo(HttpStatus.OK);
        }
        TestBrowser.Response refused = logIn(sprayer, "1750144109004", PASSWORD);
        assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(refused.body()).contains("depuis votre connexion internet");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(logIn(known("1750144109004"), "1750144109004", PASSWORD).status()).isEqualTo(HttpStatus.SEE_OTHER);
    }

    @Test
    void loginWhenNirUnparsableThenAllSuchTriesShareOneCounter() {
        // A window of its own, far from the present one: the bucket of every malformed NIR is shared by all tests.
        clock.set(Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS));
        // Whatever the malformed NIR, the tries are counted together (and cost no fresh counter each).
        for (int i = 0; i < 10; i++) {
            logIn(new TestBrowser(port), "99 " + i + " pas un NIR", "Devine-" + i);
        }
        assertThat(logIn(new TestBrowser(port), "pas un NIR non plus", "Devine").status())
                .isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    }

    /** Nine wrong passwords for {@code nir}, each checked: one slot of the NIR's limit is left. */
    private void nineWrongTries(String nir) {
        for (int i = 0; i < 9; i++) {
            assertThat(logIn(new TestBrowser(port), nir, "Devine-" + i).status()).isEqualTo(HttpStatus.OK);
        }
    }

    /** After {@link #nineWrongTries} and a right password: that try left the last slot free, the next uses it. */
    private void assertLastSlotStillFree(String nir) {
        assertThat(logIn(new TestBrowser(port), nir, "Devine-10").body()).contains("est incorrect");
        assertThat(logIn(known(nir), nir, PASSWORD).status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    }

    /** A relying party's request, its login page shown in {@code browser}: the request's handle. */
    private static String waitingRequest(TestBrowser browser) {
        TestBrowser.Response toLogin = browser.get(AUTHORIZE);
        browser.follow(toLogin);
        return toLogin.query("auth");
    }

    /** The right password posted for the request {@code auth}. */
    private static TestBrowser.Response logInFor(TestBrowser browser, String nir, String auth) {
        return browser.post("/login", Map.of("nir", nir, "password", PASSWORD, "auth", auth));
    }

    private TestBrowser known(String nir) {
        TestBrowser browser = new TestBrowser(port);
        KnownDevices.remember(db, browser, nir);
        return browser;
    }

    private static TestBrowser.Response logIn(TestBrowser browser, String nir, String password) {
        browser.get("/login");
        return browser.post("/login", Map.of("nir", nir, "password", password));
    }
}
