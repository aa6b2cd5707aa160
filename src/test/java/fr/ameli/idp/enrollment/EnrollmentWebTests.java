package fr.ameli.idp.enrollment;

import static fr.ameli.idp.registry.TestInsuredPersons.eligible;
import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.Mailbox;
import fr.ameli.idp.registry.TestInsuredPersons;
import jakarta.mail.internet.MimeMessage;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.registry.Nir;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/** Account creation with carte Vitale + IBAN through the French pages, against the running service. */
@IdpIntegrationTest
class EnrollmentWebTests {

    @LocalServerPort
    int port;

    @Autowired
    Accounts accounts;

    @Autowired
    DatabaseClient db;

    TestBrowser browser;

    @Autowired
    fr.ameli.idp.registry.Registry registry;


    @BeforeEach
    void setUp() {
        browser = new TestBrowser(port);
        // Eligible test people (not DEMO-DATA), one per test that must not collide with Venturi's account.
        TestInsuredPersons.importInto(registry, eligible("1800144109031", "SAUTEUR"), eligible("1800144109032", "BLOQUE"),
                eligible("1800144109033", "SANSNUMERO"), eligible("1800144109034", "ANNULE"));
    }

    /** Identity step for a test person born 01/01/1980 in 44000. */
    void identityOf(String name, String nir) {
        browser.get("/inscription");
        browser.post("/inscription/identite", identity(name, nir, "01/01/1980", "44000"));
    }

    static Map<String, String> identity(String name, String nir, String birthDate, String postal) {
        return Map.of("nom", name, "nir", nir, "dateNaissance", birthDate, "codePostal", postal);
    }

    TestBrowser.Response submit(String step, Map<String, String> form) {
        browser.get("/inscription/" + step);
        return browser.post("/inscription/" + step, form);
    }

    @Test
    void venturiWhenEachStepSubmittedThenActivatedByMailAndFirstLoginAsksForEmailedCode() throws Exception {
        assertThat(browser.get("/inscription").body()).contains("<label for=\"nom\">").contains("Étape 1");
        TestBrowser.Response identity = browser.post("/inscription/identite",
                identity("venturi", "1 62 12 28 010 001", "18/12/1962", "28000"));
        assertThat(identity.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(identity.location().getPath()).isEqualTo("/inscription/verification");
        assertThat(browser.cookie("AMELI_ENROLLMENT")).isNotBlank();

        TestBrowser.Response proofPage = browser.get("/inscription/verification");
        assertThat(proofPage.body()).contains("FR76 2004 1***").doesNotContain("3024474");
        TestBrowser.Response wrong = browser.post("/inscription/verification",
                Map.of("iban7", "3024475", "carteVitale11", "46712226301"));
        assertThat(wrong.status()).isEqualTo(HttpStatus.OK);
        assertThat(wrong.body()).contains("Les informations saisies sont incorrectes");
        TestBrowser.Response proof = browser.post("/inscription/verification",
                Map.of("iban7", "302 4474", "carteVitale11", "46712226301"));
        assertThat(proof.location().getPath()).isEqualTo("/inscription/cgu");

        assertThat(submit("cgu", Map.of("decision", "accepter")).location().getPath()).isEqualTo("/inscription/mot-de-passe");

        TestBrowser.Response weak = submit("mot-de-passe", Map.of("motDePasse", "venturi1962", "confirmation", "venturi1962"));
        assertThat(weak.status()).isEqualTo(HttpStatus.OK);
        assertThat(weak.body()).contains("Contenir au moins une lettre majuscule")
                .contains("Ne pas contenir votre date de naissance").contains("force-faible");
        TestBrowser.Response password = browser.post("/inscription/mot-de-passe",
                Map.of("motDePasse", "Venturi-Ameli-2026", "confirmation", "Venturi-Ameli-2026"));
        assertThat(password.location().getPath()).isEqualTo("/inscription/coordonnees");

        TestBrowser.Response mismatch = submit("coordonnees", Map.of("email", "marc.venturi@example.fr",
                "emailConfirmation", "marc.venturi@example.com", "consentementEmail", "non"));
        assertThat(mismatch.body()).contains("Les deux adresses mail saisies sont différentes");
        TestBrowser.Response contact = browser.post("/inscription/coordonnees", Map.of("email", "Marc.Venturi@Example.fr",
                "emailConfirmation", "marc.venturi@example.fr", "mobile", "06 12 34 56 78", "consentementEmail", "non",
                "consentementTelephone", "non", "consentementSms", "oui"));
        assertThat(contact.location().getPath()).isEqualTo("/inscription/confirmation-email");
        assertThat(browser.get("/inscription/confirmation-email").body()).contains("Validation de mon email")
                .contains("M****@example.fr");

        var account = accounts.findByNir(Nir.parse("1621228010001")).block();
        assertThat(account.status().name()).isEqualTo("PENDING");
        assertThat(account.passwordHash()).startsWith("$argon2id$").doesNotContain("Venturi-Ameli-2026");

        // A pending account cannot log in yet.
        TestBrowser other = new TestBrowser(port);
        other.get("/login");
        assertThat(other.post("/login", Map.of("nir", "1621228010001", "password", "Venturi-Ameli-2026")).body())
                .contains("pas encore activé");

        // The confirmation mail, through the real SMTP server: French subject and sender, a link under the issuer.
        MimeMessage mail = Mailbox.await("Marc.Venturi@example.fr", "Votre compte ameli - Confirmation de votre adresse mail", 0);
        assertThat(mail.getFrom()[0].toString()).contains("Votre Assurance Maladie");
        String link = Mailbox.find(mail, "(http://localhost:" + port + "/inscription/activation\\?jeton=[A-Za-z0-9_-]+)");
        TestBrowser.Response activated = browser.get(link);
        assertThat(activated.status()).isEqualTo(HttpStatus.OK);
        assertThat(activated.body()).contains("Votre compte est activé");
        TestBrowser.Response again = browser.get(link);
        assertThat(again.status()).isEqualTo(HttpStatus.GONE);
        assertThat(again.body()).contains("déjà été utilisé");
        assertThat(accounts.findByNir(Nir.parse("1621228010001")).block().active()).isTrue();

        // First login on this browser: NIR + password, then the security code sent by email.
        TestBrowser.Response toCode = other.post("/login", Map.of("nir", "1 62 12 28 010 001", "password", "Venturi-Ameli-2026"));
        assertThat(toCode.location().getPath()).isEqualTo("/login/code");
        assertThat(other.follow(toCode).body()).contains("M****@example.fr");
        String code = Mailbox.find(Mailbox.await("Marc.Venturi@example.fr", "Votre code de sécurité ameli", 0),
                "\\b([0-9]{6})\\b");
        TestBrowser.Response wrongCode = other.post("/login/code", Map.of("code", code.equals("000000") ? "111111" : "000000"));
        assertThat(wrongCode.body()).contains("Le code saisi est incorrect");
        TestBrowser.Response loggedIn = other.post("/login/code", Map.of("code", code));
        assertThat(loggedIn.location().getPath()).isEqualTo("/");
        assertThat(other.cookie("AMELI_DEVICE")).isNotBlank();

        // The browser is remembered: the next login needs no code.
        other.forget("AMELI_SESSION");
        other.get("/login");
        assertThat(other.post("/login", Map.of("nir", "1621228010001", "password", "Venturi-Ameli-2026"))
                .location().getPath()).isEqualTo("/");
    }

    @ParameterizedTest(name = "person {0} excluded: {5}")
    @CsvSource({
            "4, BERNARD, 2 92 01 69 123 007 33, 09/01/1992, 69003, Plusieurs coordonnées bancaires",
            "5, KADDOUR, 7 99 10 99 999 001 48, 03/10/1999, 75018, provisoire ou n&#39;est pas encore certifié",
            "6, PETIT, 1 55 05 99 350 101 66, 02/05/1955, 47000, ni du régime général ni d&#39;un régime partenaire",
            "7, leroy, 2 71 08 33 063 120 50, 30/08/1971, 33800, pas de carte Vitale active",
            "1, Martin, 2 85 05 75 112 034 96, 14/05/1985, 75012, Un compte ameli existe déjà"
    })
    void identityWhenPersonExcludedThenOwnReasonAndAlternatives(int person, String name, String nir, String birthDate,
            String postal, String reason) {
        browser.get("/inscription");
        TestBrowser.Response response = browser.post("/inscription/identite", identity(name, nir, birthDate, postal));
        assertThat(response.location().getPath()).isEqualTo("/inscription/echec");
        TestBrowser.Response page = browser.follow(response);
        assertThat(page.body()).contains(reason);
        if (person != 1) {
            assertThat(page.body()).contains("3646").contains("FranceConnect");
        }
    }

    @Test
    void identityWhenDetailsDoNotMatchThenGenericMessageAndNoHint() {
        browser.get("/inscription");
        TestBrowser.Response response = browser.post("/inscription/identite",
                identity("Venturi", "1 62 12 28 010 001", "18/12/1962", "75001"));
        assertThat(response.status()).isEqualTo(HttpStatus.OK);
        assertThat(response.body()).contains("ne nous permettent pas de vous identifier");
    }

    @Test
    void identityWhenFieldsMalformedThenFieldMessages() {
        browser.get("/inscription");
        TestBrowser.Response response = browser.post("/inscription/identite",
                identity("", "1 62 12 28 010 001 99", "31/02/1962", "6300"));
        assertThat(response.body()).contains("Veuillez saisir votre nom").contains("n&#39;est pas valide")
                .contains("date valide").contains("5 chiffres");
    }

    @Test
    void stepWhenCalledDirectlyBeforeItsTurnThenRedirectedToCurrentStep() {
        // No attempt at all: a later step cannot be reached (the page carries a valid CSRF token).
        browser.get("/inscription");
        TestBrowser.Response noAttempt = browser.post("/inscription/mot-de-passe",
                Map.of("motDePasse", "Abcdefgh-1", "confirmation", "Abcdefgh-1"));
        assertThat(noAttempt.status()).isEqualTo(HttpStatus.GONE);

        identityOf("SAUTEUR", "1800144109031");
        TestBrowser.Response skipPage = browser.get("/inscription/mot-de-passe");
        assertThat(skipPage.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(skipPage.location().getPath()).isEqualTo("/inscription/verification");
        browser.get("/inscription/verification");
        TestBrowser.Response skipPost = browser.post("/inscription/cgu", Map.of("decision", "accepter"));
        assertThat(skipPost.location().getPath()).isEqualTo("/inscription/verification");
        assertThat(db.sql("select count(*) from enrollment where cgu_accepted_at is not null and nir = '1800144109031' "
                + "and proof_verified_at is null").map(r -> r.get(0, Long.class)).one().block()).isZero();
    }

    @Test
    void proofWhenThreeWrongAnswersThenLocked() {
        identityOf("BLOQUE", "1800144109032");
        for (int i = 0; i < 3; i++) {
            submit("verification", Map.of("iban7", "0000000", "carteVitale11", "00000000000"));
        }
        TestBrowser.Response locked = submit("verification", Map.of("iban7", "3024474", "carteVitale11", "80014410900"));
        assertThat(locked.status()).isEqualTo(HttpStatus.OK);
        assertThat(locked.body()).contains("trop d&#39;erreurs");
    }

    @Test
    void proofWhenNoSerialNumberThenAlternatives() {
        identityOf("SANSNUMERO", "1800144109033");
        TestBrowser.Response none = submit("verification", Map.of("action", "sans-numero"));
        assertThat(browser.follow(none).body()).contains("Sans le numéro de série").contains("3646");
    }

    @Test
    void cguWhenCancelledThenAttemptEnds() {
        identityOf("ANNULE", "1800144109034");
        submit("verification", Map.of("iban7", "3024474", "carteVitale11", "80014410900"));
        TestBrowser.Response cancelled = submit("cgu", Map.of("decision", "annuler"));
        assertThat(browser.follow(cancelled).body()).contains("Vous avez annulé");
    }
}
