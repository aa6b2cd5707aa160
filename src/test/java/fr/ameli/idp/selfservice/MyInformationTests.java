package fr.ameli.idp.selfservice;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/** « Mes informations » (SPEC 3.6) for a logged-in person, through the French pages. */
@IdpIntegrationTest
class MyInformationTests {

    @LocalServerPort
    int port;

    @Autowired
    DatabaseClient db;

    @Autowired
    Accounts accounts;

    @Autowired
    Registry registry;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    MutableClock clock;

    TestBrowser browser;

    @BeforeEach
    void setUp() {
        browser = new TestBrowser(port);
    }

    /** A test person with an active account, logged in on {@link #browser}. */
    void loggedIn(String nir13, String name, String email) {
        TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(nir13, name).usageName("EPOUSE")
                .givenNames("Jeanne Marie").female().birthDate("1991-02-03").withoutProof());
        accounts.provision(Nir.parse(nir13), AccountStatus.ACTIVE, email, hasher.hash("Compte-Ameli!").block()).block();
        KnownDevices.remember(db, browser, nir13);
        browser.get("/login");
        assertThat(browser.post("/login", Map.of("nir", nir13, "password", "Compte-Ameli!")).location().getPath()).isEqualTo("/");
    }

    @Test
    void myInformationWhenNotLoggedInThenLoginPage() {
        TestBrowser.Response page = browser.get("/compte/mes-informations");
        assertThat(page.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(page.location().getPath()).isEqualTo("/login");
        browser.get("/login");
        assertThat(browser.post("/compte/mes-informations/telephones", Map.of("mobile", "0612345678")).location().getPath())
                .isEqualTo("/login");
    }

    @Test
    void myInformationWhenLoggedInThenIdentityFromRegistryReadOnlyAndLinkFromHome() {
        loggedIn("2910244109061", "IDENTITE", "identite@example.org");
        assertThat(browser.get("/").body()).contains("href=\"/compte/mes-informations\"");
        TestBrowser.Response page = browser.get("/compte/mes-informations");
        assertThat(page.status()).isEqualTo(HttpStatus.OK);
        assertThat(page.body()).contains("IDENTITE").contains("EPOUSE").contains("Jeanne Marie").contains("03/02/1991")
                .contains("2 91 02 44 109 061").contains("identite@example.org")
                .doesNotContain("name=\"nomNaissance\"");
    }

    @Test
    void emailChangeWhenLinkFollowedThenNewAddressTakesEffectAndOldOneIsTold() {
        loggedIn("2910244109062", "CHANGE", "ancienne@example.org");
        browser.get("/compte/mes-informations");
        TestBrowser.Response mismatch = browser.post("/compte/mes-informations/email",
                Map.of("email", "nouvelle.adresse@example.org", "emailConfirmation", "nouvelle.adress@example.org"));
        assertThat(mismatch.body()).contains("Les deux adresses mail saisies sont différentes");
        TestBrowser.Response taken = browser.post("/compte/mes-informations/email",
                Map.of("email", "claire.martin@example.fr", "emailConfirmation", "claire.martin@example.fr",
                        "codeActuel", "Compte-Ameli!"));
        assertThat(taken.body()).contains("déjà utilisée par un autre compte");

        TestBrowser.Response requested = browser.post("/compte/mes-informations/email",
                Map.of("email", "Nouvelle.Adresse@example.org", "emailConfirmation", "nouvelle.adresse@example.org",
                        "codeActuel", "Compte-Ameli!"));
        assertThat(requested.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(browser.follow(requested).body()).contains("Un lien de confirmation a été envoyé")
                .contains("N****@example.org");
        // Not before the link is followed.
        assertThat(accounts.findByNir(Nir.parse("2910244109062")).block().email()).isEqualTo("ancienne@example.org");

        // Through the real SMTP server: worded for a change of address, not for an activation.
        jakarta.mail.internet.MimeMessage confirmation = fr.ameli.idp.Mailbox.await("Nouvelle.Adresse@example.org",
                "Votre compte ameli - Confirmation de votre adresse mail", 0);
        assertThat(fr.ameli.idp.Mailbox.find(confirmation, "(Pour confirmer votre nouvelle adresse mail)")).isNotBlank();
        String link = fr.ameli.idp.Mailbox.find(confirmation, "http://localhost:" + port + "(/compte/email/confirmation\\?jeton=[A-Za-z0-9_-]+)");
        TestBrowser anyBrowser = new TestBrowser(port);
        TestBrowser.Response confirmed = anyBrowser.get(link);
        assertThat(confirmed.status()).isEqualTo(HttpStatus.OK);
        assertThat(confirmed.body()).contains("Votre nouvelle adresse mail est confirmée");
        assertThat(accounts.findByNir(Nir.parse("2910244109062")).block().email()).isEqualTo("Nouvelle.Adresse@example.org");

        jakarta.mail.internet.MimeMessage told = fr.ameli.idp.Mailbox.await("ancienne@example.org",
                "Votre compte ameli - Modification de votre adresse mail", 0);
        assertThat(fr.ameli.idp.Mailbox.find(told, "(N\\*\\*\\*\\*@example\\.org)")).isNotBlank();
        assertThat(anyBrowser.get(link).status()).isEqualTo(HttpStatus.GONE);
    }

    /** Issue 10, item 6: the current password is asked, and the current address told as soon as a change is asked. */
    @Test
    void emailChangeWhenCurrentPasswordMissingOrWrongThenRefusedElseFormerAddressToldAtOnce() {
        loggedIn("2910244109071", "REAUTH", "reauth.ancienne@example.org");
        browser.get("/compte/mes-informations");
        Map<String, String> change = Map.of("email", "reauth.nouvelle@example.org",
                "emailConfirmation", "reauth.nouvelle@example.org");
        TestBrowser.Response missing = browser.post("/compte/mes-informations/email", change);
        assertThat(missing.status()).isEqualTo(HttpStatus.OK);
        assertThat(missing.body()).contains("Le code personnel actuel est incorrect.");
        TestBrowser.Response wrong = browser.post("/compte/mes-informations/email", with(change, "codeActuel", "Pas-Le-Bon!"));
        assertThat(wrong.body()).contains("Le code personnel actuel est incorrect.");
        assertThat(SentMails.to("reauth.nouvelle@example.org", "EMAIL_CONFIRMATION")).isEmpty();
        assertThat(SentMails.to("reauth.ancienne@example.org", "EMAIL_CHANGE_REQUESTED")).isEmpty();

        TestBrowser.Response requested = browser.post("/compte/mes-informations/email",
                with(change, "codeActuel", "Compte-Ameli!"));
        assertThat(requested.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(SentMails.to("reauth.nouvelle@example.org", "EMAIL_CONFIRMATION")).hasSize(1);
        // Told before the link is followed, while the account still uses the former address.
        Mail told = SentMails.last("reauth.ancienne@example.org", "EMAIL_CHANGE_REQUESTED");
        assertThat(told.subject()).isEqualTo("Votre compte ameli - Demande de modification de votre adresse mail");
        assertThat(told.textBody()).contains("r****@example.org").doesNotContain("reauth.nouvelle@example.org");
        assertThat(accounts.findByNir(Nir.parse("2910244109071")).block().email()).isEqualTo("reauth.ancienne@example.org");
    }

    /** Issue 10, item 6: wrong current passwords are limited per account (5 per 15 minutes), the right one then too. */
    @Test
    void currentPasswordWhenFiveWrongThenRefusedWithoutCheckEvenIfRight() {
        loggedIn("2910244109072", "REAUTHLIMITE", "reauth.limite@example.org");
        browser.get("/compte/mes-informations");
        for (int i = 0; i < 5; i++) {
            assertThat(browser.post("/compte/mes-informations/mot-de-passe", Map.of("actuel", "Pas-Le-Bon-" + i,
                    "motDePasse", "Nouveau-Compte!", "confirmation", "Nouveau-Compte!")).body())
                    .contains("Le code personnel actuel est incorrect.");
        }
        TestBrowser.Response limited = browser.post("/compte/mes-informations/email", Map.of("email",
                "reauth.limite2@example.org", "emailConfirmation", "reauth.limite2@example.org", "codeActuel", "Compte-Ameli!"));
        assertThat(limited.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(limited.body()).contains("Trop de codes personnels incorrects");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
        assertThat(SentMails.to("reauth.limite2@example.org", "EMAIL_CONFIRMATION")).isEmpty();
    }

    /** Issue 10: a wrong current password is a wrong password: it counts in the login's budget of the NIR too. */
    @Test
    void currentPasswordWhenWrongThenCountedInTheLoginBudgetOfTheNir() {
        // Time stands still: the test never straddles two windows of a limit.
        clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try {
            loggedIn("2910244109074", "REAUTHBUDGET", "reauth.budget@example.org");
            browser.get("/compte/mes-informations");
            for (int i = 0; i < 5; i++) {
                assertThat(browser.post("/compte/mes-informations/mot-de-passe", Map.of("actuel", "Pas-Le-Bon-" + i,
                        "motDePasse", "Nouveau-Compte!", "confirmation", "Nouveau-Compte!")).body())
                        .contains("Le code personnel actuel est incorrect.");
            }
            for (int i = 0; i < 5; i++) {
                TestBrowser guesser = new TestBrowser(port);
                guesser.get("/login");
                assertThat(guesser.post("/login", Map.of("nir", "2910244109074", "password", "Devine-" + i)).body())
                        .contains("est incorrect");
            }
            TestBrowser holder = new TestBrowser(port);
            KnownDevices.remember(db, holder, "2910244109074");
            holder.get("/login");
            assertThat(holder.post("/login", Map.of("nir", "2910244109074", "password", "Compte-Ameli!")).status())
                    .isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        } finally {
            clock.reset();
        }
    }

    /** Issue 10, item 6: a password change ends the other sessions, forgets remembered browsers, and tells the holder. */
    @Test
    void passwordChangeWhenDoneThenOtherSessionsEndedBrowsersForgottenAndHolderTold() {
        loggedIn("2910244109073", "FINSESSIONS", "fin.sessions@example.org");
        TestBrowser elsewhere = new TestBrowser(port);
        String remembered = KnownDevices.remember(db, "2910244109073");
        elsewhere.setCookie("AMELI_DEVICE", remembered);
        elsewhere.get("/login");
        assertThat(elsewhere.post("/login", Map.of("nir", "2910244109073", "password", "Compte-Ameli!")).location().getPath())
                .isEqualTo("/");
        assertThat(elsewhere.get("/").body()).contains("Vous êtes connecté");

        browser.get("/compte/mes-informations");
        assertThat(browser.post("/compte/mes-informations/mot-de-passe", Map.of("actuel", "Compte-Ameli!",
                "motDePasse", "Nouveau-Compte!", "confirmation", "Nouveau-Compte!")).status()).isEqualTo(HttpStatus.SEE_OTHER);

        assertThat(browser.get("/").body()).as("the session that changed it stays").contains("Vous êtes connecté");
        assertThat(elsewhere.get("/").body()).as("every other one ends").doesNotContain("Vous êtes connecté");
        assertThat(db.sql("select count(*) from known_device d join account a on a.id = d.account_id where a.nir = :nir")
                .bind("nir", "2910244109073").map(row -> row.get(0, Long.class)).one().block()).isZero();
        assertThat(SentMails.to("fin.sessions@example.org", "PASSWORD_CHANGED")).hasSize(1);
        assertThat(SentMails.last("fin.sessions@example.org", "PASSWORD_CHANGED").textBody())
                .contains("Votre code personnel a été modifié");
    }

    private static Map<String, String> with(Map<String, String> form, String name, String value) {
        Map<String, String> all = new java.util.HashMap<>(form);
        all.put(name, value);
        return all;
    }

    @Test
    void phonesAndConsentsWhenChangedThenStoredAndShown() {
        loggedIn("2910244109063", "TELEPHONE", "telephone@example.org");
        browser.get("/compte/mes-informations");
        TestBrowser.Response wrong = browser.post("/compte/mes-informations/telephones", Map.of("mobile", "01 23 45 67 89"));
        assertThat(wrong.body()).contains("commençant par 06 ou 07");
        assertThat(browser.post("/compte/mes-informations/telephones", Map.of("mobile", "06 12 34 56 78", "fixe", "0240000000"))
                .status()).isEqualTo(HttpStatus.SEE_OTHER);
        browser.get("/compte/mes-informations");
        assertThat(browser.post("/compte/mes-informations/consentements", Map.of("consentementEmail", "oui",
                "consentementTelephone", "non", "consentementSms", "oui")).status()).isEqualTo(HttpStatus.SEE_OTHER);

        Accounts.ContactDetails stored = accounts.contactDetails(accounts.findByNir(Nir.parse("2910244109063")).block().id()).block();
        assertThat(stored.mobile()).isEqualTo("+33612345678");
        assertThat(stored.landline()).isEqualTo("+33240000000");
        assertThat(stored.consentEmail()).isTrue();
        assertThat(stored.consentPhone()).isFalse();
        assertThat(stored.consentSms()).isTrue();
        assertThat(browser.get("/compte/mes-informations").body()).contains("06 12 34 56 78");
    }

    @Test
    void passwordChangeWhenCurrentRightThenOnlyNewOneWorks() {
        loggedIn("2910244109064", "SECRET", "secret@example.org");
        browser.get("/compte/mes-informations");
        TestBrowser.Response wrongCurrent = browser.post("/compte/mes-informations/mot-de-passe",
                Map.of("actuel", "Pas-Le-Bon!", "motDePasse", "Nouveau-Compte!", "confirmation", "Nouveau-Compte!"));
        assertThat(wrongCurrent.body()).contains("Le code personnel actuel est incorrect.");
        TestBrowser.Response weak = browser.post("/compte/mes-informations/mot-de-passe",
                Map.of("actuel", "Compte-Ameli!", "motDePasse", "court", "confirmation", "court"));
        assertThat(weak.body()).contains("Comporter au moins 8 caractères");
        TestBrowser.Response changed = browser.post("/compte/mes-informations/mot-de-passe",
                Map.of("actuel", "Compte-Ameli!", "motDePasse", "Nouveau-Compte!", "confirmation", "Nouveau-Compte!"));
        assertThat(changed.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(browser.follow(changed).body()).contains("Votre nouveau code personnel est enregistré");

        TestBrowser other = new TestBrowser(port);
        KnownDevices.remember(db, other, "2910244109064");
        other.get("/login");
        assertThat(other.post("/login", Map.of("nir", "2910244109064", "password", "Compte-Ameli!")).status())
                .isEqualTo(HttpStatus.OK);
        other.get("/login");
        assertThat(other.post("/login", Map.of("nir", "2910244109064", "password", "Nouveau-Compte!")).location().getPath())
                .isEqualTo("/");
    }
}
