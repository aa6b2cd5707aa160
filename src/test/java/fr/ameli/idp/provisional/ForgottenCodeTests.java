package fr.ameli.idp.provisional;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.SentMails;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.captcha.CaptchaChallenges;
import fr.ameli.idp.captcha.CaptchaTestSupport;
import fr.ameli.idp.mail.Mail;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * « Code oublié ? » (SPEC 3.5, seeds 001 and 003) through the French pages: NIR + birth date + captcha → a 4-digit
 * code by mail to the masked address, valid 30 minutes; logging in with it forces a new personal code first.
 * Each test browser comes from its own client address (X-Forwarded-For), so that the per-address limit of one
 * test does not reach the others.
 */
@IdpIntegrationTest
class ForgottenCodeTests {

    static final String PERSON_1 = "2 85 05 75 112 034 96";
    static final String PERSON_1_EMAIL = "claire.martin@example.fr";
    static final String LIMITED_NIR = "2900144109051";
    static final String LIMITED_EMAIL = "limite@example.org";
    /** In the registry, with an email on file there, but no account: nothing to send a code to. */
    static final String NO_ACCOUNT_NIR = "1900144109052";
    /** An account of its own for the return to a relying party after a new personal code. */
    static final String RETURNING_NIR = "2900144109054";
    static final String RETURNING_EMAIL = "retour@example.org";
    private static final AtomicInteger ADDRESSES = new AtomicInteger(10);

    @LocalServerPort
    int port;

    @Autowired
    DatabaseClient db;

    @Autowired
    Accounts accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    Registry registry;

    @Autowired
    CaptchaChallenges captcha;

    @Autowired
    MutableClock clock;

    TestBrowser browser;
    String person1Hash;

    @BeforeEach
    void setUp() {
        browser = newBrowser();
        person1Hash = accounts.findByNir(Nir.parse(PERSON_1)).block().passwordHash();
        TestInsuredPersons.importInto(registry,
                TestInsuredPersons.eligible(LIMITED_NIR, "LIMITE").givenNames("Alice").female().birthDate("1990-01-01")
                        .withoutProof(),
                TestInsuredPersons.eligible(NO_ACCOUNT_NIR, "SANSCOMPTE").givenNames("Paul").birthDate("1990-01-01")
                        .withoutProof().email("paul@example.org"));
        accounts.provision(Nir.parse(LIMITED_NIR), AccountStatus.ACTIVE, LIMITED_EMAIL, hasher.hash("Limite-Ameli!").block())
                .block();
    }

    /** Person 1's demo password is restored, whatever a test changed: other tests log in with it. */
    @AfterEach
    void restore() {
        clock.reset();
        db.sql("update account set password_hash = :hash where nir = :nir").bind("hash", person1Hash)
                .bind("nir", Nir.parse(PERSON_1).value()).then().block();
    }

    TestBrowser newBrowser() {
        return new TestBrowser(port).header("X-Forwarded-For", "203.0.113." + ADDRESSES.incrementAndGet());
    }

    @Test
    void forgottenCodeWhenPersonOneThenMaskedAddressAndFourDigitCodeByMail() {
        TestBrowser.Response form = browser.get("/code-oublie");
        assertThat(form.body()).contains("J&#39;ai oublié mon code").contains("<label for=\"captcha\"")
                .contains("/code-oublie/captcha.png").contains("/code-oublie/captcha.wav").contains("nouvelle-image");
        int before = codeMails(PERSON_1_EMAIL);
        int delivered = fr.ameli.idp.Mailbox.messages(PERSON_1_EMAIL, "Votre code provisoire ameli").size();

        TestBrowser.Response sent = request(browser, PERSON_1, "14/05/1985");
        assertThat(sent.status()).isEqualTo(HttpStatus.OK);
        assertThat(sent.body()).contains("Un nouveau code vous a été adressé à c****@example.fr")
                .doesNotContain(PERSON_1_EMAIL).contains("3646");
        assertThat(codeMails(PERSON_1_EMAIL)).isEqualTo(before + 1);
        Mail mail = SentMails.last(PERSON_1_EMAIL, "PROVISIONAL_CODE");
        assertThat(mail.subject()).isEqualTo("Votre code provisoire ameli");
        assertThat(code(mail)).hasSize(4).containsOnlyDigits();
        // And it really went out through the SMTP server, with the seed's wording and the same code, and without the
        // NIR: whoever reads the mailbox must not learn it there (seed 003 does not carry it).
        jakarta.mail.internet.MimeMessage smtp = fr.ameli.idp.Mailbox.await(PERSON_1_EMAIL, "Votre code provisoire ameli", delivered);
        assertThat(fr.ameli.idp.Mailbox.find(smtp, "(strictement personnel)")).isNotBlank();
        assertThat(fr.ameli.idp.Mailbox.find(smtp, "(les 13 premiers chiffres\\) et le code provisoire)")).isNotBlank();
        assertThat(fr.ameli.idp.Mailbox.text(smtp)).doesNotContain("2850575112034").doesNotContain("2 85 05 75 112 034");
        assertThat(fr.ameli.idp.Mailbox.find(smtp, "\\b(" + code(mail) + ")\\b")).isEqualTo(code(mail));
    }

    /**
     * From a relying party's request: the provisional code, then the new personal code, then back to that request;
     * the session is stored by the statement that reads it (one round trip), with the mail as second proof in its amr.
     * A person of its own: the forgotten-code requests of person 1 are counted against her limits by the other tests.
     */
    @Test
    void newPersonalCodeWhenARelyingPartyWaitsThenBackToItsRequestWithTheSessionStored() {
        TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(RETURNING_NIR, "RETOUR").givenNames("Lea")
                .female().birthDate("1990-01-01").withoutProof());
        accounts.provision(Nir.parse(RETURNING_NIR), AccountStatus.ACTIVE, RETURNING_EMAIL, hasher.hash("Retour-Ameli!").block())
                .block();
        request(browser, RETURNING_NIR, "01/01/1990");
        String code = code(SentMails.last(RETURNING_EMAIL, "PROVISIONAL_CODE"));
        TestBrowser.Response toLogin = browser.get("/authorize?response_type=code&client_id=demo-rp"
                + "&redirect_uri=http://localhost:9876/callback&scope=openid&state=s-forgotten&nonce=" + "n".repeat(32)
                + "&code_challenge=" + fr.ameli.idp.oidc.shared.Pkce.s256("v".repeat(43)) + "&code_challenge_method=S256");
        assertThat(toLogin.location().getPath()).isEqualTo("/login");
        browser.follow(toLogin);
        TestBrowser.Response login = browser.post("/login",
                Map.of("nir", RETURNING_NIR, "password", code, "auth", toLogin.query("auth")));
        assertThat(login.location().getPath()).isEqualTo("/login/nouveau-code");

        TestBrowser.Response set = browser.post("/login/nouveau-code",
                Map.of("motDePasse", "Nouveau-Code-Ameli", "confirmation", "Nouveau-Code-Ameli"));
        assertThat(set.location().getPath()).isEqualTo("/consent");
        assertThat(set.query("auth")).isEqualTo(toLogin.query("auth"));
        Map<String, Object> session = db.sql("select a.nir, s.amr, s.acr from login_session s join account a "
                        + "on a.id = s.account_id where s.id_hash = :id")
                .bind("id", fr.ameli.idp.platform.Secrets.sha256(browser.cookie("AMELI_SESSION"))).fetch().one().block();
        assertThat(session).containsEntry("nir", RETURNING_NIR).containsEntry("acr", "eidas1");
        assertThat((String[]) session.get("amr")).containsExactly("pwd", "mail");

        browser.follow(set);
        TestBrowser.Response back = browser.post("/consent", Map.of("auth", set.query("auth"), "decision", "accepter"));
        assertThat(back.location().toString()).startsWith("http://localhost:9876/callback?code=")
                .contains("state=s-forgotten");
    }

    @Test
    void loginWhenForgottenCodeThenNewPersonalCodeForcedAndOldPasswordWorksUntilSet() {
        request(browser, PERSON_1, "14/05/1985");
        String code = code(SentMails.last(PERSON_1_EMAIL, "PROVISIONAL_CODE"));

        browser.get("/login");
        TestBrowser.Response login = browser.post("/login", Map.of("nir", PERSON_1, "password", code));
        assertThat(login.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(login.location().getPath()).isEqualTo("/login/nouveau-code");
        assertThat(browser.cookie("AMELI_SESSION")).isNull();
        assertThat(browser.get("/").body()).doesNotContain("Vous êtes connecté");
        assertThat(browser.get("/login/nouveau-code").body()).contains("Modifier mon code personnel");

        // Until the new code is set, the old password still works (on another browser).
        TestBrowser elsewhere = newBrowser();
        String rememberedElsewhere = KnownDevices.remember(db, Nir.parse(PERSON_1).value());
        elsewhere.setCookie("AMELI_DEVICE", rememberedElsewhere);
        elsewhere.get("/login");
        assertThat(elsewhere.post("/login", Map.of("nir", PERSON_1, "password", "Ameli-Demo-2026")).location().getPath())
                .isEqualTo("/");
        int changedMails = SentMails.to(PERSON_1_EMAIL, "PASSWORD_CHANGED").size();

        TestBrowser.Response refused = browser.post("/login/nouveau-code",
                Map.of("motDePasse", "Claire1985!", "confirmation", "Claire1985!"));
        assertThat(refused.status()).isEqualTo(HttpStatus.OK);
        assertThat(refused.body()).contains("Ne pas contenir votre date de naissance");
        TestBrowser.Response mismatch = browser.post("/login/nouveau-code",
                Map.of("motDePasse", "Nouveau-Code-Ameli", "confirmation", "Nouveau-Code-Amel"));
        assertThat(mismatch.body()).contains("Les deux mots de passe saisis doivent être identiques");

        TestBrowser.Response set = browser.post("/login/nouveau-code",
                Map.of("motDePasse", "Nouveau-Code-Ameli", "confirmation", "Nouveau-Code-Ameli"));
        assertThat(set.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(set.location().getPath()).isEqualTo("/login/nouveau-code/enregistre");
        assertThat(browser.cookie("AMELI_SESSION")).isNotBlank();
        assertThat(browser.follow(set).body()).contains("Votre nouveau code est enregistré");
        assertThat(browser.get("/").body()).contains("Vous êtes connecté").contains("/compte/mes-informations");
        // Issue 10, item 6: the reset ended every other session, forgot remembered browsers, and told the holder.
        assertThat(elsewhere.get("/").body()).doesNotContain("Vous êtes connecté");
        assertThat(db.sql("select count(*) from known_device where token_hash = :hash")
                .bind("hash", fr.ameli.idp.platform.Secrets.sha256(rememberedElsewhere))
                .map(row -> row.get(0, Long.class)).one().block()).isZero();
        assertThat(SentMails.to(PERSON_1_EMAIL, "PASSWORD_CHANGED")).hasSize(changedMails + 1);
        assertThat(SentMails.last(PERSON_1_EMAIL, "PASSWORD_CHANGED").subject())
                .isEqualTo("Votre compte ameli - Votre code personnel a été modifié");

        assertThat(logIn(PERSON_1, "Ameli-Demo-2026").body())
                .contains("Le numéro de sécurité sociale ou le code personnel est incorrect.");
        assertThat(logIn(PERSON_1, "Nouveau-Code-Ameli").location().getPath()).isEqualTo("/");
        // The code served once, and the forced step is over.
        assertThat(logIn(PERSON_1, code).status()).isEqualTo(HttpStatus.OK);
        assertThat(browser.get("/login/nouveau-code").status()).isEqualTo(HttpStatus.GONE);
    }

    @Test
    void loginWhenForgottenCodeOlderThan30MinutesThenRefused() {
        request(browser, PERSON_1, "14/05/1985");
        String code = code(SentMails.last(PERSON_1_EMAIL, "PROVISIONAL_CODE"));
        clock.advance(Duration.ofMinutes(31));
        TestBrowser.Response login = logIn(PERSON_1, code);
        assertThat(login.status()).isEqualTo(HttpStatus.OK);
        assertThat(login.body()).contains("Le numéro de sécurité sociale ou le code personnel est incorrect.");
    }

    @Test
    void forgottenCodeWhenCaptchaWrongThenNewCharactersAndNoMail() {
        int before = codeMails(PERSON_1_EMAIL);
        browser.get("/code-oublie");
        String first = browser.cookie("AMELI_CAPTCHA");
        String wrong = CaptchaTestSupport.answer(captcha, first).equals("222222") ? "333333" : "222222";
        TestBrowser.Response response = browser.post("/code-oublie",
                Map.of("nir", PERSON_1, "dateNaissance", "14/05/1985", "captcha", wrong));
        assertThat(response.status()).isEqualTo(HttpStatus.OK);
        assertThat(response.body()).contains("Les caractères saisis ne correspondent pas");
        assertThat(browser.cookie("AMELI_CAPTCHA")).isNotEqualTo(first);
        assertThat(codeMails(PERSON_1_EMAIL)).isEqualTo(before);
        // A challenge is used once: the right answer to the first one no longer counts.
        assertThat(captcha.check(first, "ANYTHING").block()).isEqualTo(CaptchaChallenges.Outcome.EXPIRED);
    }

    @Test
    void forgottenCodeWhenCaptchaOlderThanFiveMinutesThenRefusedAndNoMail() {
        int before = codeMails(PERSON_1_EMAIL);
        browser.get("/code-oublie");
        String answer = CaptchaTestSupport.answer(captcha, browser.cookie("AMELI_CAPTCHA"));
        clock.advance(Duration.ofMinutes(6));
        TestBrowser.Response response = browser.post("/code-oublie",
                Map.of("nir", PERSON_1, "dateNaissance", "14/05/1985", "captcha", answer));
        assertThat(response.body()).contains("Le délai pour recopier les caractères est dépassé");
        assertThat(codeMails(PERSON_1_EMAIL)).isEqualTo(before);
        assertThat(browser.get("/code-oublie/captcha.png").status()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void forgottenCodeWhenFieldsMalformedThenFieldMessagesAndSameChallenge() {
        browser.get("/code-oublie");
        String challenge = browser.cookie("AMELI_CAPTCHA");
        TestBrowser.Response response = browser.post("/code-oublie",
                Map.of("nir", "1 23", "dateNaissance", "31/02/1985", "captcha", ""));
        assertThat(response.status()).isEqualTo(HttpStatus.OK);
        assertThat(response.body()).contains("n&#39;est pas valide").contains("date valide")
                .contains("Veuillez recopier les caractères de l&#39;image");
        assertThat(browser.cookie("AMELI_CAPTCHA")).isEqualTo(challenge);
    }

    @Test
    void captchaWhenOtherCharactersAskedThenNewChallengeAndTypedValuesKept() {
        browser.get("/code-oublie");
        String first = browser.cookie("AMELI_CAPTCHA");
        TestBrowser.Response refreshed = browser.post("/code-oublie",
                Map.of("nir", PERSON_1, "dateNaissance", "14/05/1985", "action", "nouvelle-image"));
        assertThat(refreshed.body()).contains("value=\"" + PERSON_1 + "\"").contains("value=\"14/05/1985\"");
        assertThat(browser.cookie("AMELI_CAPTCHA")).isNotEqualTo(first);
    }

    @Test
    void captchaWhenImageAndAudioRequestedThenPngAndFrenchWavOffTheEventLoop() {
        browser.get("/code-oublie");
        WebTestClient http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
        byte[] png = http.get().uri("/code-oublie/captcha.png").cookie("AMELI_CAPTCHA", browser.cookie("AMELI_CAPTCHA"))
                .exchange().expectStatus().isOk().expectHeader().contentType("image/png")
                .expectBody().returnResult().getResponseBody();
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        byte[] wav = http.get().uri("/code-oublie/captcha.wav").cookie("AMELI_CAPTCHA", browser.cookie("AMELI_CAPTCHA"))
                .exchange().expectStatus().isOk().expectHeader().contentType("audio/wav")
                .expectBody().returnResult().getResponseBody();
        assertThat(new String(wav, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(wav.length).isGreaterThan(16_000 * 2 * 2);
        http.get().uri("/code-oublie/captcha.png").cookie("AMELI_CAPTCHA", "unknown").exchange().expectStatus().isNotFound();
    }

    @Test
    void forgottenCodeWhenNoMatchOrNoAccountThenCall3646AndNoMail() {
        TestBrowser.Response wrongDate = request(browser, PERSON_1, "15/05/1985");
        assertThat(wrongDate.body()).contains("Appelez le 3646").doesNotContain("****");
        TestBrowser.Response noAccount = request(browser, NO_ACCOUNT_NIR, "01/01/1990");
        assertThat(noAccount.body()).contains("Appelez le 3646");
        TestBrowser.Response unknown = request(browser, "1 90 01 44 109 960", "01/01/1990");
        // Nothing tells an unknown person from a person without an account.
        assertThat(unknown.body()).isEqualTo(noAccount.body());
    }

    @Test
    void forgottenCodeWhenSixthRequestForOneNirWithinADayThenTooManyRequestsAndNoMail() {
        for (int i = 1; i <= 5; i++) {
            TestBrowser other = newBrowser();
            assertThat(request(other, LIMITED_NIR, "01/01/1990").body()).contains("l****@example.org");
        }
        assertThat(SentMails.to(LIMITED_EMAIL, "PROVISIONAL_CODE")).hasSize(5);
        TestBrowser.Response sixth = request(newBrowser(), LIMITED_NIR, "01/01/1990");
        assertThat(sixth.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(sixth.body()).contains("trop de demandes");
        assertThat(Long.parseLong(sixth.header("Retry-After"))).isPositive();
        assertThat(SentMails.to(LIMITED_EMAIL, "PROVISIONAL_CODE")).hasSize(5);
        // The next day's window starts afresh.
        clock.advance(Duration.ofDays(1));
        assertThat(request(newBrowser(), LIMITED_NIR, "01/01/1990").status()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void forgottenCodeWhenTwentyFirstRequestFromOneAddressWithinAnHourThenTooManyRequests() {
        TestBrowser same = newBrowser();
        for (int i = 1; i <= 20; i++) {
            // Unknown people, each asked for once: only the address limit can refuse.
            assertThat(request(same, String.format("1900144109%03d", 900 + i), "01/01/1990").status()).isEqualTo(HttpStatus.OK);
        }
        TestBrowser.Response refused = request(same, PERSON_1, "14/05/1985");
        assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        // Another address is not concerned.
        assertThat(request(newBrowser(), "1 90 01 44 109 950", "01/01/1990").status()).isEqualTo(HttpStatus.OK);
    }

    /**
     * Issue 10, item 13: the address is the entry the trusted proxy appended (the rightmost, one hop), not what the
     * client wrote to its left, nor a {@code Forwarded} header of its own: varying those gives no fresh counter.
     */
    @Test
    void forgottenCodeWhenClientForgesForwardingHeadersThenCountedOnTheTrustedHop() {
        for (int i = 1; i <= 20; i++) {
            TestBrowser forging = new TestBrowser(port).header("X-Forwarded-For", "10.77." + i + ".1, 192.0.2.200")
                    .header("Forwarded", "for=10.66." + i + ".1");
            assertThat(request(forging, String.format("1900144109%03d", 800 + i), "01/01/1990").status())
                    .isEqualTo(HttpStatus.OK);
        }
        TestBrowser forging = new TestBrowser(port).header("X-Forwarded-For", "10.77.99.1, 192.0.2.200")
                .header("Forwarded", "for=10.66.99.1");
        assertThat(request(forging, PERSON_1, "14/05/1985").status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    }

    /** Fills the form as a person would, reading the captcha through the test seam. */
    TestBrowser.Response request(TestBrowser b, String nir, String birthDate) {
        b.get("/code-oublie");
        String answer = CaptchaTestSupport.answer(captcha, b.cookie("AMELI_CAPTCHA"));
        return b.post("/code-oublie", Map.of("nir", nir, "dateNaissance", birthDate, "captcha", answer.toLowerCase()));
    }

    TestBrowser.Response logIn(String nir, String password) {
        TestBrowser other = newBrowser();
        KnownDevices.remember(db, other, Nir.parse(nir).value());
        other.get("/login");
        return other.post("/login", Map.of("nir", nir, "password", password));
    }

    // TODO(mail): read the code through Mailbox (the embedded SMTP server) once the real outbox is merged.
    static int codeMails(String to) {
        return SentMails.to(to, "PROVISIONAL_CODE").size();
    }

    static String code(Mail mail) {
        return SentMails.find(mail, "(?:code=|\\n)([0-9]{4})(?:[,}\\s])");
    }
}
