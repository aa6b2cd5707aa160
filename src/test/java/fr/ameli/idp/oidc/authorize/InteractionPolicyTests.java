package fr.ameli.idp.oidc.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.oidc.authorize.InteractionPolicy.Interaction;
import fr.ameli.idp.session.LoginSession;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InteractionPolicyTests {

    static final Instant REQUEST = Instant.parse("2026-11-23T10:00:00Z");

    /**
     * Columns: session login time (seconds relative to the request, empty = no session), prompt,
     * max_age, consent (none / old / new / partial), expected interaction.
     */
    @ParameterizedTest(name = "login {0}s, prompt={1}, max_age={2}, consent={3} -> {4}")
    @CsvSource({
            ",        ,        ,   none,    LOGIN",
            "-60,     ,        ,   none,    CONSENT",
            "-60,     ,        ,   old,     NONE",
            "-60,     ,        ,   partial, CONSENT",
            "-60,     login,   ,   old,     LOGIN",
            "5,       login,   ,   old,     NONE",
            "-60,     consent, ,   old,     CONSENT",
            "-60,     consent, ,   new,     NONE",
            "-60,     ,        30, old,     LOGIN",
            "-60,     ,        120, old,    NONE",
            "0,       ,        0,  old,     NONE",
            "-1,      ,        0,  old,     LOGIN",
            ",        none,    ,   none,    LOGIN",
            "-60,     none,    ,   none,    CONSENT"
    })
    void requiredWhenFactsThenFirstMissingInteraction(Long loginOffset, String prompt, Integer maxAge, String consent,
            Interaction expected) {
        PendingAuthorization request = new PendingAuthorization("id", "rp", "https://rp/cb", Set.of("openid", "profile"),
                "state", "n".repeat(22), null, "eidas1", prompt == null ? Set.of() : Set.of(prompt), maxAge, false, null,
                REQUEST, REQUEST.plusSeconds(1800));
        LoginSession session = loginOffset == null ? null : new LoginSession(new byte[32], UUID.randomUUID(),
                REQUEST.plusSeconds(loginOffset), List.of("pwd"), "eidas1", null, REQUEST.plusSeconds(1800));
        AuthorizationStore.Consent given = switch (consent) {
            case "old" -> new AuthorizationStore.Consent(Set.of("openid", "profile"), REQUEST.minusSeconds(3600));
            case "new" -> new AuthorizationStore.Consent(Set.of("openid", "profile"), REQUEST.plusSeconds(10));
            case "partial" -> new AuthorizationStore.Consent(Set.of("openid"), REQUEST.minusSeconds(3600));
            default -> null;
        };
        Instant now = session == null ? REQUEST : REQUEST.plusSeconds(Math.max(0, loginOffset));
        assertThat(InteractionPolicy.required(request, session, given, now)).isEqualTo(expected);
    }
}
