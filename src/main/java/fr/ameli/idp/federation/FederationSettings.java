package fr.ameli.idp.federation;

import fr.ameli.idp.platform.IdpProperties;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The provider registration in force, read from {@code idp.federation.*} at start-up. Everything that talks
 * to the provider asks this bean each time (never a copy taken at start-up), so that the tests can point the
 * running service at another simulated provider ({@link #use}) without a new application context.
 */
@Component
class FederationSettings implements fr.ameli.idp.web.FormTargets {

    private static final Logger log = LoggerFactory.getLogger(FederationSettings.class);

    private final @Nullable ProviderConfig configured;
    private final AtomicReference<Optional<ProviderConfig>> current;
    /** The origin of the provider in force, none without one (asked for every response: computed when it is set). */
    private volatile java.util.List<String> origins;
    private final String redirectUri;
    private final String postLogoutRedirectUri;
    private final FederationProperties properties;

    FederationSettings(FederationProperties properties, IdpProperties idp) {
        this.properties = properties;
        this.configured = properties.configured() ? ProviderConfig.of(properties) : null;
        this.current = new AtomicReference<>(Optional.ofNullable(configured));
        this.origins = origins(configured);
        this.redirectUri = idp.issuer() + "/federation/callback";
        this.postLogoutRedirectUri = idp.issuer() + "/federation/logout-callback";
        if (configured == null) {
            log.info("No idp.federation.issuer-uri: account creation and login through FranceConnect are off");
        } else {
            log.info("FranceConnect-like provider: {}", configured);
        }
    }

    /** The provider in force, or empty when none is configured. */
    Optional<ProviderConfig> current() {
        return current.get();
    }

    /** The provider's origin: the FranceConnect button (a form) and the logout lead there. */
    @Override
    public java.util.Collection<String> formTargetOrigins() {
        return origins;
    }

    /** {@code {idp.issuer}/federation/callback}, to register at the provider. */
    String redirectUri() {
        return redirectUri;
    }

    /** {@code {idp.issuer}/federation/logout-callback}, to register at the provider. */
    String postLogoutRedirectUri() {
        return postLogoutRedirectUri;
    }

    FederationProperties properties() {
        return properties;
    }

    /** The registration read from the properties at start-up (what {@link #reset} goes back to). */
    Optional<ProviderConfig> configured() {
        return Optional.ofNullable(configured);
    }

    /** Tests: talk to another provider from now on (the client's caches are dropped with the old value). */
    void use(@Nullable ProviderConfig config) {
        origins = origins(config);
        current.set(Optional.ofNullable(config));
    }

    /** Tests: back to the registration of the properties. */
    void reset() {
        use(configured);
    }

    private static java.util.List<String> origins(@Nullable ProviderConfig config) {
        String origin = config == null ? null : fr.ameli.idp.web.FormTargets.originOf(config.issuer());
        return origin == null ? java.util.List.of() : java.util.List.of(origin);
    }
}
