package fr.ameli.idp.provisional;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.SentMails;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.mail.Mail;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The provisional-code path of the older guides (SPEC 3.4, seed 001) through the French pages: login with NIR +
 * counter code → CGU → personal code twice → contact details → « Validation de mon email » → the 7-day link,
 * and the windows after it (resend to the same or another address until 21 days, then the address is forgotten).
 */
@IdpIntegrationTest
class ProvisionalCodeEnrollmentTests {

    static final String PERSON_8 = "1 88 11 31 555 087 65";

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Value("${" + fr.ameli.idp.OperatorApi.PORT + "}")
    int operatorPort;

    @Autowired
    DatabaseClient db;

    @Autowired
    Accounts accounts;

    @Autowired
    Registry registry;

    @Autowired
    MutableClock clock;

    TestBrowser browser;

    @BeforeEach
    void setUp() {
        browser = new TestBrowser(port);
        TestInsuredPersons.importInto(registry, person("1900144109041", "GUICHET"), person("1900144109042", "MEME"),
                person("1900144109043", "AUTRE"), person("1900144109044", "OUBLIE"), person("1900144109045", "ESSAIS"),
                person("1900144109046", "OPERATEUR"));
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** A person of the registry without carte Vitale serial or IBAN: the provisional-code path is theirs. */
    static TestInsuredPersons.Builder person(String nir13, String name) {
        return TestInsuredPersons.eligible(nir13, name).female().birthDate("1990-01-01").withoutProof();
    }

    @Test
    void personEightWhenCounterCodeThenCguPersonalCodeContactAndActivation() {
        browser.get("/login");
        TestBrowser.Response login = browser.post("/login", Map.of("nir", PERSON_8, "password", "4821"));
        assertThat(login.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(login.location().getPath()).isEqualTo("/inscription/cgu");
        assertThat(browser.cookie("AMELI_SESSION")).isNull();

        TestBrowser.Response cgu = browser.follow(login);
        assertThat(cgu.body()).contains("Conditions générales d'utilisation");
        assertThat(browser.post("/inscription/cgu", Map.of("decision", "accepter")).location().getPath())
                .isEqualTo("/inscription/mot-de-passe");

        browser.get("/inscription/mot-de-passe");
        TestBrowser.Response weak = browser.post("/inscription/mot-de-passe",
                Map.of("motDePasse", "hugo1988", "confirmation", "hugo1988"));
        assertThat(weak.body()).contains("Ne pas contenir votre date de naissance");
        TestBrowser.Response password = browser.post("/inscription/mot-de-passe",
                Map.of("motDePasse", "Lambert-Ameli!", "confirmation", "Lambert-Ameli!"));
        assertThat(password.location().getPath()).isEqualTo("/inscription/coordonnees");

        browser.get("/inscription/coordonnees");
        TestBrowser.Response contact = browser.post("/inscription/coordonnees", Map.of("email", "hugo.lambert@example.fr",
                "emailConfirmation", "hugo.lambert@example.fr", "mobile", "06 11 22 33 44", "consentementEmail", "non",
                "consentementTelephone", "non", "consentementSms", "non"));
        assertThat(contact.location().getPath()).isEqualTo("/inscription/confirmation-email");
        assertThat(browser.follow(contact).body()).contains("Validation de mon email").contains("h****@example.fr");
        assertThat(browser.cookie("AMELI_SESSION")).isNull();

        Account pending = accounts.findByNir(Nir.parse(PERSON_8)).block();
        assertThat(pending.status()).isEqualTo(AccountStatus.PENDING);
        Mail mail = activationMail("hugo.lambert@example.fr");
        // The same mail through the real SMTP server, with this path's 7-day validity.
        assertThat(fr.ameli.idp.Mailbox.find(fr.ameli.idp.Mailbox.await("hugo.lambert@example.fr",
                "Votre compte ameli - Confirmation de votre adresse mail", 0), "(valable 7 jours)")).isNotBlank();
        assertThat(mail.subject()).isEqualTo("Votre compte ameli - Confirmation de votre adresse mail");
        assertThat(validityDays(mail)).isEqualTo("7");

        TestBrowser.Response activated = browser.get(SentMails.link(mail));
        assertThat(activated.status()).isEqualTo(HttpStatus.OK);
        assertThat(activated.body()).contains("Votre compte est activé");
        assertThat(accounts.findByNir(Nir.parse(PERSON_8)).block().status()).isEqualTo(AccountStatus.ACTIVE);

        // The code was used once: it no longer opens anything; the new personal code does.
        TestBrowser other = new TestBrowser(port);
        other.get("/login");
        assertThat(other.post("/login", Map.of("nir", PERSON_8, "password", "4821")).body())
                .contains("Le numéro de sécurité sociale ou le code personnel est incorrect.");
        KnownDevices.remember(db, other, Nir.parse(PERSON_8).value());
        other.get("/login");
        TestBrowser.Response loggedIn = other.post("/login", Map.of("nir", PERSON_8, "password", "Lambert-Ameli!"));
        assertThat(loggedIn.location().getPath()).isEqualTo("/");
        assertThat(other.cookie("AMELI_SESSION")).isNotBlank();
    }

    @Test
    void activationLinkWhenFollowedBetween7And21DaysThenDeadAndResentToSameAddress() {
        enrollWithCounterCode("1900144109042", "meme@example.org");
        String firstLink = SentMails.link(activationMail("meme@example.org"));

        clock.advance(Duration.ofDays(8));
        TestBrowser.Response dead = browser.get(firstLink);
        assertThat(dead.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(dead.location().getPath()).isEqualTo("/validation-email");
        TestBrowser.Response page = browser.follow(dead);
        assertThat(page.body()).contains("n&#39;est plus actif").contains("Renvoyer le lien à la même adresse (m****@example.org)")
                .contains("Renvoyer le lien à une autre adresse mail");

        TestBrowser.Response resent = browser.post("/validation-email", Map.of("action", "meme"));
        assertThat(resent.location().toString()).isEqualTo("/validation-email?envoye");
        assertThat(browser.follow(resent).body()).contains("Un nouveau lien vous a été envoyé à m****@example.org");
        assertThat(SentMails.to("meme@example.org", "EMAIL_CONFIRMATION")).hasSize(2);

        assertThat(browser.get(firstLink).body()).contains("Ce lien n&#39;est plus valable");
        assertThat(browser.get(SentMails.link(activationMail("meme@example.org"))).body()).contains("Votre compte est activé");
        assertThat(accounts.findByNir(Nir.parse("1900144109042")).block().active()).isTrue();
    }

    @Test
    void loginWhenLinkDeadThenResentToAnotherAddressWhichBecomesTheAccountAddress() {
        enrollWithCounterCode("1900144109043", "autre@example.org");

        clock.advance(Duration.ofDays(10));
        TestBrowser later = new TestBrowser(port);
        later.get("/login");
        TestBrowser.Response login = later.post("/login", Map.of("nir", "1900144109043", "password", "Guichet-Ameli!"));
        assertThat(login.location().getPath()).isEqualTo("/validation-email");
        assertThat(later.follow(login).body()).contains("n&#39;est plus actif");

        TestBrowser.Response mismatch = later.post("/validation-email", Map.of("action", "autre",
                "email", "nouvelle@example.org", "emailConfirmation", "nouveile@example.org"));
        assertThat(mismatch.body()).contains("Les deux adresses mail saisies sont différentes");
        TestBrowser.Response sent = later.post("/validation-email", Map.of("action", "autre",
                "email", "nouvelle@example.org", "emailConfirmation", "nouvelle@example.org"));
        assertThat(sent.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(later.follow(sent).body()).contains("n****@example.org");
        assertThat(accounts.findByNir(Nir.parse("1900144109043")).block().email()).isEqualTo("nouvelle@example.org");

        Mail mail = activationMail("nouvelle@example.org");
        assertThat(validityDays(mail)).isEqualTo("7");
        assertThat(later.get(SentMails.link(mail)).body()).contains("Votre compte est activé");
    }

    @Test
    void activationLinkWhenFollowedAfter21DaysThenAddressForgottenAndNewOneRequired() {
        enrollWithCounterCode("1900144109044", "oublie@example.org");
        String link = SentMails.link(activationMail("oublie@example.org"));

        clock.advance(Duration.ofDays(22));
        TestBrowser.Response dead = browser.get(link);
        assertThat(dead.location().getPath()).isEqualTo("/validation-email");
        TestBrowser.Response page = browser.follow(dead);
        assertThat(page.body()).contains("n&#39;est plus mémorisée").doesNotContain("même adresse");
        assertThat(accounts.findByNir(Nir.parse("1900144109044")).block().email()).isNull();
        assertThat(browser.post("/validation-email", Map.of("action", "meme")).body()).contains("Veuillez saisir votre adresse mail");

        TestBrowser.Response sent = browser.post("/validation-email", Map.of("action", "autre",
                "email", "retrouvee@example.org", "emailConfirmation", "retrouvee@example.org"));
        assertThat(sent.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(browser.get(SentMails.link(activationMail("retrouvee@example.org"))).body()).contains("Votre compte est activé");
        assertThat(accounts.findByNir(Nir.parse("1900144109044")).block().email()).isEqualTo("retrouvee@example.org");
    }

    @Test
    void loginWhenProvisionalCodeWrongFiveTimesThenCodeNoLongerWorks() {
        String code = issueAtCounter("1900144109045", 4);
        String wrong = code.equals("0000") ? "1111" : "0000";
        for (int i = 0; i < 5; i++) {
            browser.get("/login");
            assertThat(browser.post("/login", Map.of("nir", "1900144109045", "password", wrong)).body())
                    .contains("Le numéro de sécurité sociale ou le code personnel est incorrect.");
        }
        browser.get("/login");
        TestBrowser.Response right = browser.post("/login", Map.of("nir", "1900144109045", "password", code));
        assertThat(right.status()).isEqualTo(HttpStatus.OK);
        assertThat(right.body()).contains("Le numéro de sécurité sociale ou le code personnel est incorrect.");
    }

    @Test
    void operatorWhenCodeIssuedThenEightDigitsValidOnceAndOlderCodeReplaced() {
        String first = issueAtCounter("1900144109046", 8);
        String second = issueAtCounter("1900144109046", 8);
        assertThat(second).hasSize(8).containsOnlyDigits();
        browser.get("/login");
        assertThat(browser.post("/login", Map.of("nir", "1900144109046", "password", first)).status()).isEqualTo(HttpStatus.OK);
        browser.get("/login");
        assertThat(browser.post("/login", Map.of("nir", "1900144109046", "password", second)).location().getPath())
                .isEqualTo("/inscription/cgu");
    }

    @Test
    void operatorWhenTokenMissingOrPersonUnknownThenRefused() {
        WebTestClient http = fr.ameli.idp.OperatorApi.anonymous(operatorPort);
        http.post().uri("/operator/provisional-codes").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"nir\":\"1900144109046\"}").exchange().expectStatus().isUnauthorized();
        http.post().uri("/operator/provisional-codes").header("Authorization", "Bearer " + fr.ameli.idp.OperatorApi.TOKEN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"nir\":\"1 90 01 44 109 999\"}")
                .exchange().expectStatus().isNotFound().expectBody().jsonPath("$.error").isEqualTo("not_found");
        http.post().uri("/operator/provisional-codes").header("Authorization", "Bearer " + fr.ameli.idp.OperatorApi.TOKEN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"nir\":\"1900144109046\",\"length\":6}")
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_request");
    }

    /** The counter's operator API: a new code for the person. */
    String issueAtCounter(String nir, int length) {
        byte[] body = fr.ameli.idp.OperatorApi.anonymous(operatorPort)
                .post().uri("/operator/provisional-codes")
                .header("Authorization", "Bearer " + fr.ameli.idp.OperatorApi.TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"nir\":\"" + nir + "\",\"length\":" + length + "}")
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().cacheControl(org.springframework.http.CacheControl.noStore())
                .expectBody().returnResult().getResponseBody();
        String json = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return json.replaceAll(".*\"code\":\"([0-9]+)\".*", "$1");
    }

    /** A test person goes through the provisional-code path up to « Validation de mon email ». */
    void enrollWithCounterCode(String nir, String email) {
        String code = issueAtCounter(nir, 4);
        browser.get("/login");
        assertThat(browser.post("/login", Map.of("nir", nir, "password", code)).location().getPath()).isEqualTo("/inscription/cgu");
        browser.get("/inscription/cgu");
        browser.post("/inscription/cgu", Map.of("decision", "accepter"));
        browser.get("/inscription/mot-de-passe");
        browser.post("/inscription/mot-de-passe", Map.of("motDePasse", "Guichet-Ameli!", "confirmation", "Guichet-Ameli!"));
        browser.get("/inscription/coordonnees");
        assertThat(browser.post("/inscription/coordonnees", Map.of("email", email, "emailConfirmation", email,
                "consentementEmail", "non")).location().getPath()).isEqualTo("/inscription/confirmation-email");
    }

    // TODO(mail): read these through Mailbox (the embedded SMTP server) once the real outbox is merged.
    static Mail activationMail(String to) {
        return SentMails.last(to, "EMAIL_CONFIRMATION");
    }

    static String validityDays(Mail mail) {
        return SentMails.find(mail, "(?:validityDays=|valable )([0-9]+)");
    }
}
