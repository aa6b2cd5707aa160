package fr.ameli.idp.browser;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.Mailbox;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Account creation with carte Vitale + IBAN (SPEC 3.2) in the real browser, with the keyboard only: each step, its
 * error states, the email confirmation and the activation link; then every page that refuses a person.
 */
@IdpIntegrationTest
class EnrollmentBrowserTests {

    static final String KEYBOARD = "1770344109085";
    static final String NO_SERIAL = "1770344109087";
    static final String CANCELS = "1770344109088";
    static final String SUBJECT = "Votre compte ameli - Confirmation de votre adresse mail";

    @RegisterExtension
    static final OneChromiumPerClass chromium = OneChromiumPerClass.withJavaScript();

    @LocalServerPort
    int port;

    @Autowired
    Registry registry;

    @Autowired
    Accounts accounts;

    Browser browser;

    @BeforeEach
    void setUp() {
        browser = chromium.browser(port);
        fr.ameli.idp.registry.TestInsuredPersons.importInto(registry,
                People.eligible(KEYBOARD, "CLAVIER"),
                People.eligible(NO_SERIAL, "SANSNUMERO"),
                People.eligible(CANCELS, "RENONCE"));
    }

    @Test
    void carteVitaleWhenKeyboardOnlyThenEveryStepAccessibleAndAccountActivated() {
        browser.flow("inscription-carte-vitale").open("/inscription").page("identite");
        List<String> order = tabs(8);
        assertThat(order).containsSubsequence("#nom", "#nir", "#dateNaissance", "#codePostal", "a \"Retour\"",
                "button \"Continuer\"", "button \"S'identifier avec FranceConnect\"");

        browser.fromTop().tabTo("button \"Continuer\"").enter();
        assertThat(browser.text()).contains("Veuillez saisir votre nom").contains("Veuillez saisir votre code postal");
        browser.page("identite-erreurs");

        browser.fromTop().tabTo("#nom").keys("Clavier");
        assertThat(browser.tab()).isEqualTo("#nir");
        browser.keys("1 77 03 44 109 085");
        assertThat(browser.tab()).isEqualTo("#dateNaissance");
        browser.keys(People.BIRTH_DATE);
        assertThat(browser.tab()).isEqualTo("#codePostal");
        browser.keys(People.POSTAL_CODE).enter();
        assertThat(browser.path()).isEqualTo("/inscription/verification");
        assertThat(browser.text()).contains("FR76 2004 1***");
        browser.page("verification");

        browser.fromTop().tabTo("#iban7").keys("0000000");
        assertThat(browser.tab()).isEqualTo("#carteVitale11");
        browser.keys(People.serialEnd(KEYBOARD)).enter();
        assertThat(browser.text()).contains("Les informations saisies sont incorrectes");
        browser.page("verification-erreur");
        assertThat(browser.accessibility("#iban7").description()).contains("FR76 2004 1***")
                .contains("Les informations saisies sont incorrectes");

        browser.fromTop().tabTo("#iban7").keys(People.IBAN_END).tab();
        browser.keys(People.serialEnd(KEYBOARD)).enter();
        assertThat(browser.path()).isEqualTo("/inscription/cgu");
        browser.page("cgu");

        browser.fromTop().tabTo("button \"Passer à l'étape suivante\"").enter();
        assertThat(browser.path()).isEqualTo("/inscription/mot-de-passe");
        browser.page("mot-de-passe");

        // The rules and the live strength describe the field; the level is announced when it changes.
        browser.fromTop().tabTo("#motDePasse").keys("clavier");
        assertThat(browser.field("force").getText()).isEqualTo("Niveau indicatif de sécurité : faible");
        Browser.AxNode field = browser.accessibility("#motDePasse");
        assertThat(field.description()).contains("Comporter entre 8 et 50 caractères")
                .contains("Niveau indicatif de sécurité : faible");
        assertThat(browser.tab()).isEqualTo("button \"Afficher : Nouveau mot de passe\"");
        assertThat(browser.tab()).isEqualTo("#confirmation");
        browser.keys("clavier").enter();
        assertThat(browser.text()).contains("Votre mot de passe ne respecte pas les règles suivantes")
                .contains("Contenir au moins une lettre majuscule");
        assertThat(browser.field("force").getText()).isEqualTo("Niveau indicatif de sécurité : faible");
        browser.page("mot-de-passe-refuse");

        browser.fromTop().tabTo("#motDePasse").keys("Clavier-Ameli");
        assertThat(browser.field("force").getText()).isEqualTo("Niveau indicatif de sécurité : moyen");
        browser.page("mot-de-passe-moyen");
        browser.keys("-2026");
        assertThat(browser.field("force").getText()).isEqualTo("Niveau indicatif de sécurité : élevé");
        assertThat(browser.accessibility("#force").properties()).containsEntry("live", "polite");
        assertThat(browser.tab()).isEqualTo("button \"Afficher : Nouveau mot de passe\"");
        browser.keys(Keys.SPACE);
        assertThat(browser.field("motDePasse").getAttribute("type")).isEqualTo("text");
        browser.page("mot-de-passe-affiche");
        assertThat(browser.tab()).isEqualTo("#confirmation");
        browser.keys("Clavier-Ameli-2026").enter();
        assertThat(browser.path()).isEqualTo("/inscription/coordonnees");
        browser.page("coordonnees");

        browser.fromTop().tabTo("#email").keys("clavier@example.org");
        assertThat(browser.tab()).isEqualTo("#emailConfirmation");
        browser.keys("clavier@example.com").enter();
        assertThat(browser.text()).contains("Les deux adresses mail saisies sont différentes")
                .contains("Veuillez répondre par oui ou par non");
        browser.page("coordonnees-erreurs");

        browser.field("emailConfirmation").clear();
        browser.fromTop().tabTo("#emailConfirmation").keys("clavier@example.org");
        // A group of radio buttons is one tab stop; the arrows choose within it.
        assertThat(browser.tab()).isEqualTo("#ce-oui");
        browser.keys(Keys.ARROW_RIGHT);
        assertThat(browser.field("ce-non").isSelected()).isTrue();
        assertThat(browser.tab()).isEqualTo("#mobile");
        browser.keys("06 12 34 56 78");
        assertThat(browser.tab()).isEqualTo("#ct-oui");
        browser.keys(Keys.SPACE);
        assertThat(browser.tab()).isEqualTo("#cs-oui");
        browser.keys(Keys.ARROW_RIGHT);
        assertThat(browser.tab()).isEqualTo("#fixe");
        int mails = Mailbox.messages("clavier@example.org", SUBJECT).size();
        browser.enter();
        assertThat(browser.path()).isEqualTo("/inscription/confirmation-email");
        assertThat(browser.text()).contains("c****@example.org");
        browser.page("confirmation-email");
        assertThat(accounts.findByNir(Nir.parse(KEYBOARD)).block().status().name()).isEqualTo("PENDING");

        String link = Mailbox.find(Mailbox.await("clavier@example.org", SUBJECT, mails),
                "(http://localhost:" + port + "/inscription/activation\\?jeton=[A-Za-z0-9_-]+)");
        browser.open(link);
        assertThat(browser.heading()).isEqualTo("Votre compte est activé");
        browser.page("compte-active");
        browser.open(link);
        assertThat(browser.heading()).isEqualTo("Ce lien a déjà été utilisé");
        browser.page("lien-deja-utilise");
        assertThat(accounts.findByNir(Nir.parse(KEYBOARD)).block().active()).isTrue();
    }

    @Test
    void identityWhenPersonCannotCreateOnlineThenEachRefusalPageAccessible() {
        browser.flow("inscription-refus");
        identity("Venturi", "1 62 12 28 010 001", "18/12/1962", "75001");
        assertThat(browser.text()).contains("ne nous permettent pas de vous identifier");
        browser.page("identite-inconnue");

        identity("Bernard", "2 92 01 69 123 007 33", "09/01/1992", "69003");
        assertThat(browser.path()).isEqualTo("/inscription/echec");
        assertThat(browser.text()).contains("Plusieurs coordonnées bancaires").contains("3646");
        browser.page("plusieurs-iban");
        browser.click("Recommencer");
        assertThat(browser.path()).isEqualTo("/inscription");

        identity("Martin", "2 85 05 75 112 034 96", "14/05/1985", "75012");
        assertThat(browser.heading()).isEqualTo("Vous avez déjà un compte ameli");
        browser.page("compte-existant");
        browser.click("Recommencer");

        identity("Sansnumero", NO_SERIAL, People.BIRTH_DATE, People.POSTAL_CODE);
        browser.click("Je ne dispose pas du numéro de série de ma carte Vitale");
        assertThat(browser.heading()).isEqualTo("Numéro de série indisponible");
        browser.page("sans-numero-de-serie");
        browser.click("Recommencer");

        identity("Renonce", CANCELS, People.BIRTH_DATE, People.POSTAL_CODE);
        browser.fill("iban7", People.IBAN_END).fill("carteVitale11", People.serialEnd(CANCELS)).click("Continuer");
        browser.click("Annuler");
        assertThat(browser.heading()).isEqualTo("Création annulée");
        browser.page("annulee");

        browser.forgetEverything().open("/inscription/verification");
        assertThat(browser.heading()).isEqualTo("Votre demande a expiré");
        browser.page("demande-expiree");
    }

    private void identity(String name, String nir, String birthDate, String postalCode) {
        browser.open("/inscription").fill("nom", name).fill("nir", nir).fill("dateNaissance", birthDate)
                .fill("codePostal", postalCode).click("Continuer");
    }

    private List<String> tabs(int count) {
        browser.fromTop();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(browser.tab());
            assertThat(browser.focusVisible()).as("visible focus on %s", order.getLast()).isTrue();
        }
        return order;
    }
}
