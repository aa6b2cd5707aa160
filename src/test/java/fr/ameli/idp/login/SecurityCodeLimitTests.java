package fr.ameli.idp.login;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.Mailbox;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.SentMails;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.mail.Mail;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The security code of a first login on a new browser, once the password is known (issue 10, item 2): a resend
 * gives a new code but no more attempts; wrong codes are counted per account across challenges, and the one that
 * reaches 10 in 24 hours closes the code step for 24 hours and tells the holder by mail (once); at most 10 codes
 * are sent per account per 24 hours. Each test has its own account.
 */
@IdpIntegrationTest
class SecurityCodeLimitTests {

    static final String PASSWORD = "Appareil-Ameli-2026";
    static final String CODE_SUBJECT = "Votre code de sécurité ameli";
    static final String BLOCKED_SUBJECT = "Votre compte ameli - Connexion depuis un nouvel appareil suspendue";

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
        String hash = hasher.hash(PASSWORD).block();
        TestInsuredPersons.importInto(registry, IntStream.rangeClosed(1, 4)
                .mapToObj(i -> TestInsuredPersons.eligible(nir(i), "APPAREIL").givenNames("Lea").female().birthDate("1976-01-01")
                        .withoutProof())
                .toArray(TestInsuredPersons.Builder[]::new));
        for (int i = 1; i <= 4; i++) {
            accounts.provision(Nir.parse(nir(i)), AccountStatus.ACTIVE, email(i), hash).block();
        }
    }

    @AfterEach
    void tearDown() {
        clock.reset();
    }

    @Test
    void codeWhenResentThenAttemptsAreNotReset() {
        TestBrowser browser = new TestBrowser(port);
        assertThat(logIn(browser, 1).location().getPath()).isEqualTo("/login/code");
        String first = lastCode(1);
        assertThat(submit(browser, wrong(first)).body()).contains("Le code saisi est incorrect");
        assertThat(submit(browser, wrong(first)).body()).contains("Le code saisi est incorrect");

        browser.get("/login/code");
        assertThat(browser.post("/login/code", Map.of("action", "renvoyer")).location().getQuery()).isEqualTo("renvoye");
        String second = lastCode(1);

        // The third wrong code is the last of this challenge, resend or not.
        TestBrowser.Response third = submit(browser, wrong(second));
        assertThat(third.body()).contains("Votre code de sécurité a expiré ou a été saisi trop de fois");
        assertThat(browser.cookie("AMELI_CODE")).isNull();
    }

    @Test
    void codeWhenTenWrongAcrossChallengesThenStepClosedForADayAndHolderToldOnce() throws Exception {
        int delivered = Mailbox.messages(email(2), BLOCKED_SUBJECT).size();
        for (int challenge = 1; challenge <= 3; challenge++) {
            TestBrowser browser = new TestBrowser(port);
            assertThat(logIn(browser, 2).location().getPath()).isEqualTo("/login/code");
            String code = lastCode(2);
            submit(browser, wrong(code));
            submit(browser, wrong(code));
            assertThat(submit(browser, wrong(code)).body()).contains("saisi trop de fois");
        }
        TestBrowser fourth = new TestBrowser(port);
        logIn(fourth, 2);
        String code = lastCode(2);
        TestBrowser.Response tenth = submit(fourth, wrong(code));
        assertThat(tenth.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(tenth.body()).contains("Trop de codes de sécurité erronés");

        // The holder is told, through the real SMTP server: no code, no link in the mail.
        MimeMessage notice = Mailbox.await(email(2), BLOCKED_SUBJECT, delivered);
        assertThat(Mailbox.text(notice)).contains("suspendue pendant 24 heures").contains("3646")
                .doesNotContain(code).doesNotContain("http").doesNotContain(nir(2));

        // The right password no longer leads to a code, on any new browser; no code is sent.
        int codes = SentMails.to(email(2), "SECURITY_CODE").size();
        TestBrowser.Response again = logIn(new TestBrowser(port), 2);
        assertThat(again.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(again.body()).contains("Trop de codes de sécurité erronés");
        assertThat(SentMails.to(email(2), "SECURITY_CODE")).hasSize(codes);
        // A browser the holder already used is not concerned.
        TestBrowser known = new TestBrowser(port);
        KnownDevices.remember(db, known, nir(2));
        assertThat(logIn(known, 2).location().getPath()).isEqualTo("/");
        assertThat(SentMails.to(email(2), "SECURITY_CODE_BLOCKED")).hasSize(1);

        clock.advance(Duration.ofHours(24).plusSeconds(1));
        assertThat(logIn(new TestBrowser(port), 2).location().getPath()).isEqualTo("/login/code");
    }

    @Test
    void codeWhenWrongCodesFiredAtOnceOnSeveralChallengesThenTenCheckedAndOneMail() throws Exception {
        List<TestBrowser> browsers = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestBrowser browser = new TestBrowser(port);
            logIn(browser, 3);
            codes.add(lastCode(3));
            browser.get("/login/code");
            browsers.add(browser);
        }
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<CompletableFuture<HttpStatus>> tries = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                TestBrowser browser = browsers.get(i % 4);
                String guess = wrong(codes.get(i % 4));
                tries.add(CompletableFuture.supplyAsync(() -> browser.post("/login/code", Map.of("code", guess)).status(), pool));
            }
            List<HttpStatus> statuses = tries.stream().map(CompletableFuture::join).toList();
            // 9 wrong codes answered as such; the 10th closes the step, the 11th and 12th are refused unchecked.
            assertThat(statuses).filteredOn(HttpStatus.OK::equals).hasSize(9);
            assertThat(statuses).filteredOn(HttpStatus.TOO_MANY_REQUESTS::equals).hasSize(3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(SentMails.to(email(3), "SECURITY_CODE_BLOCKED")).hasSize(1);
    }

    @Test
    void codeWhenTenCodesSentWithinADayThenNoMore() {
        TestBrowser browser = null;
        int sent = 0;
        for (int login = 0; login < 3; login++) {
            browser = new TestBrowser(port);
            assertThat(logIn(browser, 4).location().getPath()).isEqualTo("/login/code");
            sent++;
            for (int resend = 0; resend < 3 && sent < 10; resend++) {
                browser.get("/login/code");
                assertThat(browser.post("/login/code", Map.of("action", "renvoyer")).status()).isEqualTo(HttpStatus.SEE_OTHER);
                sent++;
            }
        }
        assertThat(SentMails.to(email(4), "SECURITY_CODE")).hasSize(10);
        // The tenth code's challenge cannot be resent, and no new login gets an eleventh code.
        assertThat(browser).isNotNull();
        browser.get("/login/code");
        assertThat(browser.post("/login/code", Map.of("action", "renvoyer")).body()).contains("Vous avez demandé trop de codes");
        TestBrowser.Response refused = logIn(new TestBrowser(port), 4);
        assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(refused.body()).contains("Vous avez demandé trop de codes");
        assertThat(SentMails.to(email(4), "SECURITY_CODE")).hasSize(10);
        // The codes already sent still work.
        assertThat(submit(browser, lastCode(4)).location().getPath()).isEqualTo("/");
    }

    static String nir(int person) {
        return "176014410900" + person;
    }

    static String email(int person) {
        return "appareil" + person + "@example.org";
    }

    private TestBrowser.Response logIn(TestBrowser browser, int person) {
        browser.get("/login");
        return browser.post("/login", Map.of("nir", nir(person), "password", PASSWORD));
    }

    private static TestBrowser.Response submit(TestBrowser browser, String code) {
        browser.get("/login/code");
        return browser.post("/login/code", Map.of("code", code));
    }

    private static String lastCode(int person) {
        Mail mail = SentMails.last(email(person), "SECURITY_CODE");
        return SentMails.find(mail, "\\b([0-9]{6})\\b");
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }
}
