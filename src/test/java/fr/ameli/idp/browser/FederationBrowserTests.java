package fr.ameli.idp.browser;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.Mailbox;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.registry.Nir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The FranceConnect-like creation (SPEC 3.3) in the real browser, through the development provider of the embedded
 * default ({@code /dev/federation}): person 3 creates her account; person 6 is refused; person 1 is asked to confirm
 * her existing account; the provider's refusal gives « impossible pour le moment ».
 */
@IdpIntegrationTest
class FederationBrowserTests {

    static final String PERSON_3_NIR = "1790613055042";
    static final String PERSON_1_NIR = "2850575112034";
    static final String SUBJECT = "Votre compte ameli - Confirmation de votre adresse mail";

    @RegisterExtension
    static final OneChromiumPerClass chromium = OneChromiumPerClass.withJavaScript();

    @LocalServerPort
    int port;

    @Autowired
    DatabaseClient db;

    @Autowired
    Accounts accounts;

    Browser browser;

    @BeforeEach
    void setUp() {
        resetDemoPeople();
        browser = chromium.browser(port);
    }

    @AfterEach
    void tearDown() {
        resetDemoPeople();
    }

    /** Person 3 without account nor attempt, person 1 unlinked: the state the federation tests start from. */
    private void resetDemoPeople() {
        db.sql("delete from enrollment where nir = :nir").bind("nir", PERSON_3_NIR).then().block();
        db.sql("delete from account where nir = :nir").bind("nir", PERSON_3_NIR).then().block();
        db.sql("update account set federation_sub = null where nir = :nir").bind("nir", PERSON_1_NIR).then().block();
    }

    @Test
    void creationWhenPersonThreeIdentifiesThenEachPageAccessibleAndAccountActivated() {
        browser.flow("inscription-franceconnect").open("/inscription").click("S'identifier avec FranceConnect");
        assertThat(browser.path()).isEqualTo("/dev/federation/authorize");
        browser.page("fournisseur");
        choose("Jean-Pierre Louis DUPONT");
        assertThat(browser.path()).isEqualTo("/inscription/cgu");
        browser.page("cgu");

        browser.click("Passer à l'étape suivante");
        browser.page("mot-de-passe");
        browser.fill("motDePasse", "Fc-Dupont-Ameli").fill("confirmation", "Fc-Dupont-Ameli").click("Valider votre mot de passe");
        assertThat(browser.path()).isEqualTo("/inscription/coordonnees");
        browser.page("coordonnees");

        int mails = Mailbox.messages("jp.dupont.navigateur@example.fr", SUBJECT).size();
        browser.fill("email", "jp.dupont.navigateur@example.fr").fill("emailConfirmation", "jp.dupont.navigateur@example.fr")
                .check("ce-non").click("Valider et créer votre compte ameli");
        assertThat(browser.path()).isEqualTo("/inscription/confirmation-email");
        browser.page("confirmation-email");
        browser.click("Renvoyer le lien");
        assertThat(browser.text()).contains("Un nouveau lien vous a été envoyé");
        browser.page("lien-renvoye");

        String link = Mailbox.find(Mailbox.await("jp.dupont.navigateur@example.fr", SUBJECT, mails + 1),
                "(http://localhost:" + port + "/inscription/activation\\?jeton=[A-Za-z0-9_-]+)");
        browser.open(link);
        assertThat(browser.heading()).isEqualTo("Votre compte est activé");
        browser.page("compte-active");
        assertThat(accounts.findByNir(Nir.parse(PERSON_3_NIR)).block().active()).isTrue();

        // « S'identifier avec FranceConnect » now logs her in.
        browser.open("/login").click("S'identifier avec FranceConnect");
        choose("Jean-Pierre Louis DUPONT");
        assertThat(browser.path()).isEqualTo("/");
        assertThat(browser.text()).contains("Vous êtes connecté");
        browser.page("connecte");
    }

    @Test
    void providerAnswersWhenPersonCannotUseItThenEachPageAccessible() {
        browser.flow("franceconnect-refus").open("/inscription").click("S'identifier avec FranceConnect");
        choose("Louis PETIT");
        assertThat(browser.heading()).isEqualTo("Création de votre compte via FranceConnect impossible");
        assertThat(browser.text()).contains("ni du régime général");
        browser.page("personne-non-eligible");

        browser.open("/login").click("S'identifier avec FranceConnect");
        choose("Claire Anne MARTIN");
        assertThat(browser.heading()).isEqualTo("Confirmez votre compte ameli");
        browser.page("confirmation-compte");
        browser.fill("motDePasse", "Pas-Le-Bon-2026").click("Confirmer et me connecter");
        assertThat(browser.driver.findElement(By.id("erreur-confirmation")).getText()).isNotBlank();
        browser.page("confirmation-compte-erreur");

        browser.open("/inscription").click("S'identifier avec FranceConnect");
        browser.click("Refuser (access_denied)");
        assertThat(browser.heading()).isEqualTo("Création via FranceConnect impossible pour le moment");
        browser.page("fournisseur-refus");
    }

    /** On the development provider's page: picks the identity whose label starts so, and continues. */
    private void choose(String identity) {
        assertThat(browser.path()).isEqualTo("/dev/federation/authorize");
        browser.driver.findElement(By.xpath("//label[starts-with(normalize-space(.), '" + identity + "')]")).click();
        browser.click("Continuer");
    }
}
