package fr.ameli.idp.provisional;

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
import fr.ameli.idp.captcha.CaptchaChallenges;
import fr.ameli.idp.captcha.CaptchaTestSupport;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * « Code oublié ? » cannot be turned into steady guessing of 4-digit codes (issue 10, item 3): wrong entries are
 * counted per NIR across codes; the fifth in 24 hours closes the path for the NIR for 24 hours (no code login, no
 * new code by mail) and the holder is told by mail.
 */
@IdpIntegrationTest
class ProvisionalCodeLimitTests {

    static final String NIR = "1770144109001";
    static final String EMAIL = "provisoire1@example.org";
    static final String PASSWORD = "Provisoire-Ameli-2026";
    static final String BLOCKED_SUBJECT = "Votre compte ameli - Code provisoire bloqué";

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
    CaptchaChallenges captcha;

    @Autowired
    MutableClock clock;

    @BeforeEach
    void setUp() {
        // Time stands still: a test never straddles two windows of a limit.
        clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(NIR, "PROVISOIRE").givenNames("Anne").female()
                .birthDate("1977-01-01").withoutProof());
        accounts.provision(Nir.parse(NIR), AccountStatus.ACTIVE, EMAIL, hasher.hash(PASSWORD).block()).block();
    }

    @AfterEach
    void tearDown() {
        clock.reset();
    }

    @Test
    void loginWhenFiveWrongCodesAcrossTwoCodesThenPathClosedForADayAndHolderTold() throws Exception {
        int delivered = Mailbox.messages(EMAIL, BLOCKED_SUBJECT).size();
        String first = requestCode();
        for (int i = 0; i < 3; i++) {
            assertThat(logIn(NIR, wrong(first)).body()).contains("est incorrect");
        }
        // A new code: it used to bring five fresh tries.
        String second = requestCode();
        assertThat(logIn(NIR, wrong(second)).body()).contains("est incorrect");
        assertThat(logIn(NIR, wrong(second)).body()).contains("est incorrect");

        // The right code no longer works, and nothing on the page says why (the holder is told by mail).
        TestBrowser.Response right = logIn(NIR, second);
        assertThat(right.status()).isEqualTo(HttpStatus.OK);
        assertThat(right.body()).contains("est incorrect");
        MimeMessage notice = Mailbox.await(EMAIL, BLOCKED_SUBJECT, delivered);
        assertThat(Mailbox.text(notice)).contains("bloqués pendant 24 heures").contains("3646")
                .doesNotContain(NIR).doesNotContain(second).doesNotContain("http");

        // No new code by mail for a day.
        int codes = SentMails.to(EMAIL, "PROVISIONAL_CODE").size();
        TestBrowser asking = new TestBrowser(port);
        assertThat(forgottenCode(asking).status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(SentMails.to(EMAIL, "PROVISIONAL_CODE")).hasSize(codes);
        // The personal code still works.
        TestBrowser known = new TestBrowser(port);
        KnownDevices.remember(db, known, NIR);
        known.get("/login");
        assertThat(known.post("/login", Map.of("nir", NIR, "password", PASSWORD)).location().getPath()).isEqualTo("/");
        assertThat(SentMails.to(EMAIL, "PROVISIONAL_CODE_BLOCKED")).hasSize(1);

        clock.advance(Duration.ofHours(24).plusSeconds(1));
        String next = requestCode();
        assertThat(logIn(NIR, next).location().getPath()).isEqualTo("/login/nouveau-code");
    }

    /** Asks for a code through the forgotten-code form and reads it from the mail. */
    private String requestCode() {
        int before = SentMails.to(EMAIL, "PROVISIONAL_CODE").size();
        assertThat(forgottenCode(new TestBrowser(port)).body()).contains("p****@example.org");
        assertThat(SentMails.to(EMAIL, "PROVISIONAL_CODE")).hasSize(before + 1);
        return ForgottenCodeTests.code(SentMails.last(EMAIL, "PROVISIONAL_CODE"));
    }

    private TestBrowser.Response forgottenCode(TestBrowser browser) {
        browser.get("/code-oublie");
        String answer = CaptchaTestSupport.answer(captcha, browser.cookie("AMELI_CAPTCHA"));
        return browser.post("/code-oublie", Map.of("nir", NIR, "dateNaissance", "01/01/1977", "captcha", answer));
    }

    private TestBrowser.Response logIn(String nir, String password) {
        TestBrowser browser = new TestBrowser(port);
        browser.get("/login");
        return browser.post("/login", Map.of("nir", nir, "password", password));
    }

    private static String wrong(String code) {
        return String.format("%04d", (Integer.parseInt(code) + 1) % 10_000);
    }
}
