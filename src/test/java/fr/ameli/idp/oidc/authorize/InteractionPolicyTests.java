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

    /**
     * {@link InteractionPolicy#answerable} is what the SSO statement tests before it issues a code: over every
     * combination of session level and age (around each max_age, to the microsecond), consent, request level, prompt
     * and max_age, whatever it admits the policy answers with no interaction, so a code is never issued where the
     * person should log in or consent. And it admits the usual SSO request (no prompt or prompt=none, no max_age, a
     * covering consent), or the SSO would lose its single statement.
     */
    @org.junit.jupiter.api.Test
    void answerableWhenAdmittedThenPolicyAsksNoInteraction() {
        Instant now = REQUEST.plusSeconds(5);
        List<String> levels = java.util.Arrays.asList("eidas1", "eidas2", "eidas3", "");
        List<Set<String>> prompts = List.of(Set.of(), Set.of("none"), Set.of("login"), Set.of("consent"), Set.of("login", "consent"));
        List<Integer> maxAges = java.util.Arrays.asList(null, 0, 1, 30, 3600);
        List<Long> agesMicros = List.of(-1_000_000L, 0L, 1L, 999_999L, 1_000_000L, 1_000_001L, 29_999_999L, 30_000_000L,
                30_000_001L, 30_999_999L, 31_000_000L, 3_600_000_000L, 3_600_999_999L, 3_601_000_000L, 86_400_000_000L);
        List<AuthorizationStore.Consent> consents = java.util.Arrays.asList(null,
                new AuthorizationStore.Consent(Set.of("openid", "profile"), REQUEST.minusSeconds(3600)),
                new AuthorizationStore.Consent(Set.of("openid", "profile", "email"), REQUEST.plusSeconds(1)),
                new AuthorizationStore.Consent(Set.of("openid"), REQUEST.minusSeconds(3600)),
                new AuthorizationStore.Consent(Set.of(), REQUEST.minusSeconds(3600)));
        int admitted = 0;
        int checked = 0;
        for (String requested : List.of("eidas1", "eidas2")) {
            for (Set<String> prompt : prompts) {
                for (Integer maxAge : maxAges) {
                    PendingAuthorization request = new PendingAuthorization("id", "rp", "https://rp/cb",
                            Set.of("openid", "profile"), "state", "n".repeat(22), null, requested, prompt, maxAge, false,
                            null, REQUEST, REQUEST.plusSeconds(1800));
                    InteractionPolicy.Answerable answerable = InteractionPolicy.answerable(request, now);
                    assertThat(answerable == null).as("prompt %s", prompt)
                            .isEqualTo(prompt.contains("login") || prompt.contains("consent"));
                    for (String level : levels) {
                        for (long age : agesMicros) {
                            LoginSession session = new LoginSession(new byte[32], UUID.randomUUID(),
                                    now.minus(age, java.time.temporal.ChronoUnit.MICROS), List.of("pwd"), level, null,
                                    now.plusSeconds(1800));
                            for (AuthorizationStore.Consent consent : consents) {
                                checked++;
                                if (answerable != null && admits(answerable, request, session, consent)) {
                                    admitted++;
                                    assertThat(InteractionPolicy.required(request, session, consent, now))
                                            .as("%s, session %s %dµs old, %s", request, level, age, consent)
                                            .isEqualTo(Interaction.NONE);
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(2 * 5 * 5 * 4 * 15 * 5);
        assertThat(admitted).isGreaterThan(0);
        PendingAuthorization usual = new PendingAuthorization("id", "rp", "https://rp/cb", Set.of("openid", "profile"),
                "state", "n".repeat(22), null, "eidas1", Set.of("none"), null, false, null, REQUEST, REQUEST.plusSeconds(1800));
        LoginSession day = new LoginSession(new byte[32], UUID.randomUUID(), now.minusSeconds(86_400), List.of("pwd"),
                "eidas1", null, now.plusSeconds(1800));
        assertThat(admits(InteractionPolicy.answerable(usual, now), usual, day,
                new AuthorizationStore.Consent(Set.of("openid", "profile"), REQUEST.minusSeconds(3600)))).isTrue();
    }

    /**
     * {@link InteractionPolicy#answerableAfterLogin} is what the statement that stores a new session tests before it
     * issues a code: over every combination of the request's level, prompt, max_age and age (around the session's
     * opening, to the microsecond), session level, consent and instant of the decision, whatever it admits the policy
     * answers with no interaction. And it admits the usual return from the login page (no prompt, a covering consent).
     */
    @org.junit.jupiter.api.Test
    void answerableAfterLoginWhenAdmittedThenPolicyAsksNoInteraction() {
        Instant opened = REQUEST.plusSeconds(100);
        List<Set<String>> prompts = List.of(Set.of(), Set.of("none"), Set.of("login"), Set.of("consent"), Set.of("login", "consent"));
        List<Integer> maxAges = java.util.Arrays.asList(null, 0, 1, 30);
        List<Long> requestAgesMicros = List.of(-1L, 0L, 1L, 60_000_000L);
        List<Long> decidedAfterMicros = List.of(0L, 1L, 999_999L, 1_000_000L, 1_000_001L, 30_000_000L, 31_000_000L);
        List<AuthorizationStore.Consent> consents = java.util.Arrays.asList(null,
                new AuthorizationStore.Consent(Set.of("openid", "profile"), REQUEST.minusSeconds(3600)),
                new AuthorizationStore.Consent(Set.of("openid", "profile", "email"), opened.plusSeconds(1)),
                new AuthorizationStore.Consent(Set.of("openid"), REQUEST.minusSeconds(3600)));
        int admitted = 0;
        int checked = 0;
        for (String level : List.of("eidas1", "eidas2", "eidas3")) {
            LoginSession session = new LoginSession(new byte[32], UUID.randomUUID(), opened, List.of("pwd"), level, null,
                    opened.plusSeconds(1800));
            InteractionPolicy.AnswerableAfterLogin answerable = InteractionPolicy.answerableAfterLogin(session);
            for (String requested : List.of("eidas1", "eidas2")) {
                for (Set<String> prompt : prompts) {
                    for (Integer maxAge : maxAges) {
                        for (long requestAge : requestAgesMicros) {
                            Instant created = opened.minus(requestAge, java.time.temporal.ChronoUnit.MICROS);
                            PendingAuthorization request = new PendingAuthorization("id", "rp", "https://rp/cb",
                                    Set.of("openid", "profile"), "state", "n".repeat(22), null, requested, prompt, maxAge,
                                    false, null, created, created.plusSeconds(1800));
                            for (long after : decidedAfterMicros) {
                                Instant now = opened.plus(after, java.time.temporal.ChronoUnit.MICROS);
                                for (AuthorizationStore.Consent consent : consents) {
                                    checked++;
                                    if (admits(answerable, request, session, consent, now)) {
                                        admitted++;
                                        assertThat(InteractionPolicy.required(request, session, consent, now))
                                                .as("%s, session %s, decided %dµs after, %s", request, level, after, consent)
                                                .isEqualTo(Interaction.NONE);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(3 * 2 * 5 * 4 * 4 * 7 * 4);
        assertThat(admitted).isGreaterThan(0);
        LoginSession fresh = new LoginSession(new byte[32], UUID.randomUUID(), opened, List.of("pwd"), "eidas1", null,
                opened.plusSeconds(1800));
        PendingAuthorization usual = new PendingAuthorization("id", "rp", "https://rp/cb", Set.of("openid", "profile"),
                "state", "n".repeat(22), null, "eidas1", Set.of(), null, false, null, REQUEST, REQUEST.plusSeconds(1800));
        assertThat(admits(InteractionPolicy.answerableAfterLogin(fresh), usual, fresh,
                new AuthorizationStore.Consent(Set.of("openid", "profile"), REQUEST.minusSeconds(3600)), opened)).isTrue();
    }

    /** What {@code AuthorizationStore.sessionAndConsentAnswering}'s statement tests, written again in Java. */
    private static boolean admits(InteractionPolicy.Answerable answerable, PendingAuthorization request, LoginSession session,
            AuthorizationStore.@org.jspecify.annotations.Nullable Consent consent) {
        return answerable.sessionAcr().contains(session.acr())
                && (answerable.authenticatedAfter() == null
                        || micros(session.authTime()).isAfter(answerable.authenticatedAfter()))
                && consent != null && consent.scopes().containsAll(request.scopes());
    }

    /** What {@code AuthorizationStore.openAndAnswer}'s statement tests, written again in Java. */
    private static boolean admits(InteractionPolicy.AnswerableAfterLogin answerable, PendingAuthorization request,
            LoginSession session, AuthorizationStore.@org.jspecify.annotations.Nullable Consent consent, Instant now) {
        return answerable.requestAcr().contains(request.acr())
                && !request.prompt().contains("consent")
                && (!request.prompt().contains("login") || micros(session.authTime()).isAfter(micros(request.createdAt())))
                && (request.maxAge() == null || session.authTime().isAfter(now.minusSeconds(request.maxAge())))
                && consent != null && consent.scopes().containsAll(request.scopes());
    }

    private static Instant micros(Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
