package fr.ameli.idp.browser;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.Mailbox;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.captcha.CaptchaChallenges;
import fr.ameli.idp.captcha.CaptchaTestSupport;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The provisional-code paths in the real browser: « Code oublié ? » with its captcha (SPEC 3.5: the test reads the
 * answer through the test-only seam {@link CaptchaTestSupport}, the captcha itself is untouched), the forced new
 * personal code, and the counter code's enrollment with its activation-link windows (SPEC 3.4).
 */
@IdpIntegrationTest
class ProvisionalCodeBrowserTests {

    /** Has an account and an address: « Code oublié ? » sends her a code. */
    static final String FORGETFUL = "2770344109083";
    static final String FORGETFUL_EMAIL = "oubli.navigateur@example.org";
    /** In the registry without an account: « Code oublié ? » can only say « appelez le 3646 ». */
    static final String NO_ACCOUNT = "1770344109084";
    /** Given a code at the counter, no account yet. */
    static final String COUNTER = "1770344109089";
    static final String ACTIVATION = "Votre compte ameli - Confirmation de votre adresse mail";

    @RegisterExtension
    static final OneChromiumPerClass chromium = OneChromiumPerClass.withJavaScript();

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Value("${" + fr.ameli.idp.OperatorApi.PORT + "}")
    int operatorPort;

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

    Browser browser;

    @BeforeEach
    void setUp() {
        browser = chromium.browser(port);
        fr.ameli.idp.registry.TestInsuredPersons.importInto(registry,
                People.eligible(FORGETFUL, "OUBLI"),
                People.eligible(NO_ACCOUNT, "SANSCOMPTE"),
                People.eligible(COUNTER, "GUICHET"));
        accounts.provision(Nir.parse(FORGETFUL), AccountStatus.ACTIVE, FORGETFUL_EMAIL, hasher.hash("Ancien-Code-Ameli!").block())
                .block();
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void forgottenCodeWhenCaptchaCopiedThenCodeByMailAndNewPersonalCodeForced() {
        browser.flow("code-oublie").open("/login").click("Code oublié ?");
        assertThat(browser.path()).isEqualTo("/code-oublie");
        assertThat(browser.accessibility("#captcha").description()).contains("Vous disposez de 5 minutes");
        browser.page("formulaire");

        browser.click("Continuer");
        assertThat(browser.text()).contains("Veuillez recopier les caractères de l'image");
        browser.page("formulaire-erreurs");

        // « Afficher d'autres caractères » draws a new challenge and keeps what was typed.
        String first = browser.cookie("AMELI_CAPTCHA");
        browser.fill("nir", "2 77 03 44 109 083").fill("dateNaissance", People.BIRTH_DATE).click("Afficher d'autres caractères");
        assertThat(browser.cookie("AMELI_CAPTCHA")).isNotEqualTo(first);
        assertThat(browser.field("nir").getDomProperty("value")).isEqualTo("2 77 03 44 109 083");

        // Enter in the last field sends the request (the form's default button is « Continuer », not a new image).
        int codes = Mailbox.messages(FORGETFUL_EMAIL, "Votre code provisoire ameli").size();
        browser.fromTop().tabTo("#captcha").keys(CaptchaTestSupport.answer(captcha, browser.cookie("AMELI_CAPTCHA"))).enter();
        assertThat(browser.heading()).isEqualTo("Confirmation de ma demande");
        assertThat(browser.text()).contains("o****@example.org");
        browser.page("confirmation");

        String code = Mailbox.find(Mailbox.await(FORGETFUL_EMAIL, "Votre code provisoire ameli", codes), "\\b([0-9]{4})\\b");
        browser.click("Retour");
        browser.setCookie("AMELI_DEVICE", KnownDevices.remember(db, FORGETFUL));
        browser.fill("nir", FORGETFUL).fill("password", code).click("Me connecter");
        assertThat(browser.path()).isEqualTo("/login/nouveau-code");
        browser.page("nouveau-code");

        browser.fill("motDePasse", "oubli1977").fill("confirmation", "oubli1977").click("Valider");
        assertThat(browser.text()).contains("Votre code personnel ne respecte pas les règles suivantes");
        browser.page("nouveau-code-refuse");
        browser.fill("motDePasse", "Nouveau-Code-Ameli").fill("confirmation", "Nouveau-Code-Ameli").click("Valider");
        assertThat(browser.heading()).isEqualTo("Votre nouveau code est enregistré");
        browser.page("nouveau-code-enregistre");
        browser.click("Continuer");
        assertThat(browser.text()).contains("Vous êtes connecté");
    }

    @Test
    void forgottenCodeWhenNoAccountThen3646AndAfterFiveRequestsTooMany() {
        browser.flow("code-oublie-refus");
        request(NO_ACCOUNT);
        assertThat(browser.text()).contains("Appelez le 3646");
        browser.page("impossible");
        for (int i = 2; i <= 5; i++) {
            request(NO_ACCOUNT);
            assertThat(browser.text()).contains("Appelez le 3646");
        }
        request(NO_ACCOUNT);
        assertThat(browser.heading()).isEqualTo("Trop de demandes");
        browser.page("trop-de-demandes");
    }

    @Test
    void counterCodeWhenPersonEnrollsThenEachPageAccessibleAndDeadLinkResent() {
        String counterCode = counterCode(COUNTER);
        browser.flow("code-provisoire").open("/login").fill("nir", "1 77 03 44 109 089").fill("password", counterCode)
                .click("Me connecter");
        assertThat(browser.path()).isEqualTo("/inscription/cgu");
        browser.page("cgu");
        browser.click("Passer à l'étape suivante");
        browser.fill("motDePasse", "Guichet-Ameli!").fill("confirmation", "Guichet-Ameli!").click("Valider votre mot de passe");
        browser.fill("email", "guichet.navigateur@example.org").fill("emailConfirmation", "guichet.navigateur@example.org")
                .check("ce-oui").check("ct-non").check("cs-non").click("Valider et créer votre compte ameli");
        assertThat(browser.path()).isEqualTo("/inscription/confirmation-email");
        browser.page("confirmation-email");
        String firstLink = link(0);

        // Logging in before following the link says so.
        browser.open("/login").fill("nir", COUNTER).fill("password", "Guichet-Ameli!").click("Me connecter");
        assertThat(browser.text()).contains("Votre compte n'est pas encore activé");
        browser.page("connexion-compte-non-active");

        // Between 7 and 21 days the link is dead: the person may have it sent again.
        clock.advance(Duration.ofDays(8));
        browser.open(firstLink);
        assertThat(browser.path()).isEqualTo("/validation-email");
        assertThat(browser.text()).contains("n'est plus actif");
        browser.page("lien-expire");
        browser.click("Envoyer le lien");
        assertThat(browser.text()).contains("Veuillez saisir votre adresse mail");
        browser.page("lien-expire-erreurs");
        browser.click("Renvoyer le lien à la même adresse (g****@example.org)");
        assertThat(browser.text()).contains("Un nouveau lien vous a été envoyé");
        browser.page("lien-renvoye");

        browser.open(link(1));
        assertThat(browser.heading()).isEqualTo("Votre compte est activé");
        browser.page("compte-active");
    }

    /** Fills « Code oublié ? » as a person would, reading the captcha through the test-only seam. */
    private void request(String nir) {
        browser.open("/code-oublie").fill("nir", nir).fill("dateNaissance", People.BIRTH_DATE)
                .fill("captcha", CaptchaTestSupport.answer(captcha, browser.cookie("AMELI_CAPTCHA"))).click("Continuer");
    }

    private String link(int alreadySeen) {
        return Mailbox.find(Mailbox.await("guichet.navigateur@example.org", ACTIVATION, alreadySeen),
                "(http://localhost:" + port + "/inscription/activation\\?jeton=[A-Za-z0-9_-]+)");
    }

    /** A 4-digit code issued at a counter, through the operator API. */
    private String counterCode(String nir) {
        byte[] body = fr.ameli.idp.OperatorApi.anonymous(operatorPort)
                .post().uri("/operator/provisional-codes")
                .header("Authorization", "Bearer " + fr.ameli.idp.OperatorApi.TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("nir", nir, "length", 4))
                .exchange().expectStatus().isCreated().expectBody().returnResult().getResponseBody();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"code\"\\s*:\\s*\"([0-9]{4})\"")
                .matcher(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
