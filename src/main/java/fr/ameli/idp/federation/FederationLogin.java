package fr.ameli.idp.federation;

import com.nimbusds.jwt.JWTClaimsSet;
import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.enrollment.Enrollment;
import fr.ameli.idp.enrollment.EnrollmentService;
import fr.ameli.idp.oidc.shared.Pkce;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.registry.InsuredPerson;
import fr.ameli.idp.session.LoginSessions;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * The two acts of a login or account creation through the provider (FRANCECONNECT.md B):
 *
 * <ol>
 *   <li>{@link #start}: fresh {@code state}, {@code nonce} and PKCE verifier (32 random bytes each, from the
 *       DRBG), stored server-side and bound to the browser; the redirect to the provider with
 *       {@code acr_values}, {@code prompt=login} and the S256 challenge;</li>
 *   <li>{@link #complete}, once the callback's state was consumed: the provider's {@code error}, the code
 *       exchange, the ID token (signature, then OIDC Core §3.1.3.7 with nonce and acr), userinfo at once
 *       (signed or JSON as registered, same {@code sub}), the identity pivot's formats; then the outcome:
 *       the linked account logs in; else the pivot is matched against the registry — an unlinked account
 *       must be confirmed with its password, one eligible person without account goes on with account
 *       creation (CGU, password, contact details, email confirmation), anything else is refused with a
 *       reason.</li>
 * </ol>
 *
 * The provider is always called before anything is written and never inside a transaction.
 */
@Component
class FederationLogin {

    /** The amr of a session opened through the provider: the person authenticated at FranceConnect. */
    static final String AMR_FEDERATED = "fc";
    /** This provider's only level (AcrCheck): a federated login reaches it, since the ID token's acr was checked. */
    static final String SESSION_ACR = "eidas1";

    private static final ZoneId FRANCE = ZoneId.of("Europe/Paris");
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");
    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** The redirect to the provider, and the browser handle its state is bound to (the AMELI_FC cookie). */
    record Redirect(URI location, String browserHandle) {
    }

    /** The callback's parameters (RFC 6749 §4.1.2, §4.1.2.1; RFC 9207 {@code iss}). Never logged. */
    record Callback(@Nullable String code, @Nullable String state, @Nullable String error, @Nullable String iss) {
        @Override
        public String toString() {
            return "Callback[***]";
        }
    }

    /** What the callback leads to. */
    sealed interface Outcome {
        /** The linked account is logged in; a waiting authorization request of an RP may continue. */
        record SignedIn(LoginSessions.NewSession opened, @Nullable String pendingAuthorizationId) implements Outcome {
        }

        /** One eligible person without account: creation goes on at its next step. */
        record EnrollmentStarted(EnrollmentService.Started started) implements Outcome {
        }

        /** An existing, unlinked account: its password must confirm it (handle of the AMELI_FC_LIEN cookie). */
        record LinkRequired(String handle) implements Outcome {
        }

        /** Nothing can be done here: the French page explains why ({@code federation.echec.<motif>}). */
        record Refused(String motif, @Nullable String pendingAuthorizationId) implements Outcome {
        }
    }

    private record Verified(FederatedIdentity identity, String idToken) {
    }

    private final ProviderClient client;
    private final FederationSettings settings;
    private final FederationRequests requests;
    private final PivotMatch pivot;
    private final Accounts accounts;
    private final EnrollmentService enrollments;
    private final LoginSessions sessions;
    private final Clock clock;

    FederationLogin(ProviderClient client, FederationSettings settings, FederationRequests requests, PivotMatch pivot,
            Accounts accounts, EnrollmentService enrollments, LoginSessions sessions, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.requests = requests;
        this.pivot = pivot;
        this.accounts = accounts;
        this.enrollments = enrollments;
        this.sessions = sessions;
        this.clock = clock;
    }

    Mono<Redirect> start(FederationRequests.Purpose purpose, @Nullable String pendingAuthorizationId,
            @Nullable String browserHandle) {
        return client.connection().flatMap(provider -> provider.metadata().flatMap(metadata -> {
            ProviderConfig config = provider.config();
            String state = Secrets.newHandle();
            String nonce = Secrets.newHandle();
            String verifier = Secrets.newHandle();
            // One handle per browser: two tabs may each have a redirect under way.
            String browser = browserHandle != null && HANDLE.matcher(browserHandle).matches() ? browserHandle : Secrets.newHandle();
            UriComponentsBuilder uri = UriComponentsBuilder.fromUri(metadata.authorizationEndpoint())
                    .queryParam("response_type", "code")
                    .queryParam("client_id", config.clientId())
                    .queryParam("redirect_uri", settings.redirectUri())
                    .queryParam("scope", String.join(" ", config.scopes()))
                    .queryParam("state", state)
                    .queryParam("nonce", nonce)
                    .queryParam("prompt", "login")
                    .queryParam("code_challenge", Pkce.s256(verifier))
                    .queryParam("code_challenge_method", "S256");
            if (!config.acrValues().isEmpty()) {
                uri.queryParam("acr_values", String.join(" ", config.acrValues()));
            }
            Instant now = clock.instant();
            return requests.saveAuthorization(Secrets.sha256(state), Secrets.sha256(browser), purpose, Secrets.sha256(nonce),
                            verifier, pendingAuthorizationId, now, now.plus(settings.properties().requestTtl()))
                    .thenReturn(new Redirect(uri.encode().build().toUri(), browser));
        }));
    }

    /** The redirect this browser started with this state, consumed once; empty when unknown, expired, used or foreign. */
    Mono<FederationRequests.Authorization> consume(String state, String browserHandle) {
        return requests.consumeAuthorization(Secrets.sha256(state), Secrets.sha256(browserHandle), clock.instant());
    }

    Mono<Outcome> complete(FederationRequests.Authorization request, Callback callback) {
        return verify(request, callback).flatMap(verified -> decide(verified, request));
    }

    private Mono<Verified> verify(FederationRequests.Authorization request, Callback callback) {
        if (callback.error() != null) {
            String code = ERROR_CODE.matcher(callback.error()).matches() ? callback.error() : "other";
            return Mono.error(ProviderFailure.of(ProviderFailure.Reason.PROVIDER_ERROR, code));
        }
        if (callback.code() == null) {
            return Mono.error(ProviderFailure.of(ProviderFailure.Reason.MISSING_CODE));
        }
        return client.connection().flatMap(provider -> provider.metadata().flatMap(metadata -> {
            ProviderConfig config = provider.config();
            // RFC 9207: a provider that names itself on the callback must name itself right.
            if (callback.iss() != null && !callback.iss().equals(metadata.issuer())) {
                return Mono.error(ProviderFailure.of(ProviderFailure.Reason.WRONG_ISSUER, "callback"));
            }
            return provider.exchange(callback.code(), request.codeVerifier(), settings.redirectUri())
                    .flatMap(tokens -> JwtVerifier.verify(tokens.idToken(), config.idTokenAlg(), provider)
                            .map(claims -> IdTokenValidator.validate(claims, config, metadata, request.nonceHash(),
                                    clock.instant()))
                            .flatMap(sub -> provider.userinfo(tokens.accessToken())
                                    .flatMap(userinfo -> userinfoClaims(userinfo, provider, metadata))
                                    .map(claims -> {
                                        // OIDC Core §5.3.2: the userinfo sub MUST exactly match the ID token's.
                                        if (!sub.equals(claims.get("sub"))) {
                                            throw ProviderFailure.of(ProviderFailure.Reason.USERINFO_SUBJECT_MISMATCH);
                                        }
                                        return new Verified(FederatedIdentity.from(claims, LocalDate.ofInstant(
                                                clock.instant(), FRANCE)), tokens.idToken());
                                    })));
        }));
    }

    private Mono<Map<String, Object>> userinfoClaims(ProviderClient.Userinfo userinfo, ProviderClient.Connection provider,
            ProviderMetadata metadata) {
        if (userinfo.jwt() == null) {
            return Mono.justOrEmpty(userinfo.json());
        }
        return JwtVerifier.verify(userinfo.jwt(), provider.config().userinfoAlg(), provider)
                .map(claims -> {
                    IdTokenValidator.validateUserinfo(claims, provider.config(), metadata, clock.instant());
                    return claims.toJSONObject();
                });
    }

    private Mono<Outcome> decide(Verified verified, FederationRequests.Authorization request) {
        return accounts.findByFederationSub(verified.identity().sub())
                .flatMap(account -> signIn(account, verified, request))
                .switchIfEmpty(Mono.defer(() -> pivot.candidates(verified.identity()).flatMap(persons -> {
                    if (persons.size() != 1) {
                        return Mono.just(refused(persons.isEmpty() ? "no_match" : "several_matches", request));
                    }
                    InsuredPerson person = persons.get(0);
                    return accounts.findByNir(person.nir())
                            .flatMap(account -> confirmExisting(account, verified, request))
                            .switchIfEmpty(Mono.defer(() -> create(person, verified, request)));
                })));
    }

    private Mono<Outcome> signIn(Account account, Verified verified, FederationRequests.Authorization request) {
        if (account.status() != AccountStatus.ACTIVE) {
            return Mono.just(refused(inactive(account), request));
        }
        return sessions.open(account.id(), List.of(AMR_FEDERATED), SESSION_ACR, verified.idToken())
                .map(opened -> new Outcome.SignedIn(opened, request.pendingAuthorizationId()));
    }

    /** An account exists for the matched person: never linked on the pivot alone, its password must confirm it. */
    private Mono<Outcome> confirmExisting(Account account, Verified verified, FederationRequests.Authorization request) {
        if (account.federationSub() != null) {
            return Mono.just(refused("linked_elsewhere", request));
        }
        if (account.status() != AccountStatus.ACTIVE) {
            return Mono.just(refused(inactive(account), request));
        }
        String handle = Secrets.newHandle();
        Instant now = clock.instant();
        return requests.saveLink(Secrets.sha256(handle), new FederationRequests.Link(account.id(), verified.identity().sub(),
                                verified.idToken(), request.purpose(), request.pendingAuthorizationId(), 0),
                        now, now.plus(settings.properties().requestTtl()))
                .thenReturn(new Outcome.LinkRequired(handle));
    }

    private Mono<Outcome> create(InsuredPerson person, Verified verified, FederationRequests.Authorization request) {
        return enrollments.federatedEligibility(person)
                .<Mono<Outcome>>map(failure -> Mono.just(refused(failure.code(), request)))
                .orElseGet(() -> enrollments.startFederated(Enrollment.Channel.WEB, person.nir(), verified.identity().sub(),
                        request.pendingAuthorizationId()).map(Outcome.EnrollmentStarted::new));
    }

    private static String inactive(Account account) {
        return account.status() == AccountStatus.PENDING ? "account_pending" : "account_locked";
    }

    private static Outcome refused(String motif, FederationRequests.Authorization request) {
        return new Outcome.Refused(motif, request.pendingAuthorizationId());
    }
}
