package fr.ameli.idp.client;

import fr.ameli.idp.platform.BackgroundJob;
import fr.ameli.idp.platform.Sql;
import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The registered relying parties. PostgreSQL is the source of truth (so that a client registered through
 * the operator API on one replica is known to all); each replica keeps an immutable in-memory copy,
 * refreshed every 30 seconds (a {@link BackgroundJob}) and on a miss, so that the hot paths never wait for the
 * database to find a client.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class RelyingParties implements ApplicationRunner, BackgroundJob, fr.ameli.idp.web.FormTargets {

    private static final Logger log = LoggerFactory.getLogger(RelyingParties.class);
    private static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);
    private static final String COLUMNS = "client_id, client_name, secret_hash, auth_methods, redirect_uris, "
            + "post_logout_redirect_uris, scopes, id_token_alg, userinfo_alg, sector, jwks, require_pkce, default_acr_values, "
            + "jwks_uri, id_token_enc_alg, id_token_enc_enc, userinfo_enc_alg, userinfo_enc_enc, "
            + "require_pushed_authorization_requests, dpop_bound_access_tokens, fapi, backchannel_logout_uri, "
            + "backchannel_logout_session_required";

    private final DatabaseClient db;
    private final ClientRegistrationProperties config;
    private volatile Map<String, RelyingParty> byId = Map.of();
    private volatile java.util.Set<String> redirectOrigins = java.util.Set.of();

    RelyingParties(DatabaseClient db, ClientRegistrationProperties config) {
        this.db = db;
        this.config = config;
    }

    /** Registers the clients of {@code config/} and loads all; the job then keeps the copy fresh. */
    @Override
    public void run(ApplicationArguments args) {
        Flux.fromIterable(config.toRegister())
                .concatMap(p -> register(p, "config"))
                .then(reload())
                .block(Duration.ofSeconds(60));
    }

    @Override
    public String name() {
        return "relying-parties";
    }

    @Override
    public Duration interval() {
        return REFRESH_INTERVAL;
    }

    /** Reloads every registration: those made through the operator API on another instance appear. */
    @Override
    public Mono<Void> run() {
        return reload();
    }

    public Mono<RelyingParty> find(String clientId) {
        RelyingParty known = byId.get(clientId);
        if (known != null) {
            return Mono.just(known);
        }
        return db.sql("select " + COLUMNS + " from relying_party where client_id = :id")
                .bind("id", clientId)
                .map(RelyingParties::properties)
                .one()
                .map(RelyingParty::from)
                .doOnNext(this::remember);
    }

    /** Validates, then inserts or replaces the registration. IllegalArgumentException when invalid. */
    public Mono<RelyingParty> register(ClientProperties p, String source) {
        return Mono.fromCallable(() -> RelyingParty.from(p)).flatMap(rp -> {
            DatabaseClient.GenericExecuteSpec spec = db.sql("insert into relying_party (" + COLUMNS + ", source, updated_at) "
                            + "values (:client_id, :client_name, :secret_hash, :auth_methods, :redirect_uris, "
                            + ":post_logout_redirect_uris, :scopes, :id_token_alg, :userinfo_alg, :sector, :jwks, "
                            + ":require_pkce, :default_acr_values, :jwks_uri, :id_token_enc_alg, :id_token_enc_enc, "
                            + ":userinfo_enc_alg, :userinfo_enc_enc, :require_par, :dpop, :fapi, :backchannel_logout_uri, "
                            + ":backchannel_logout_session_required, :source, now()) on conflict (client_id) do update set "
                            + "client_name = excluded.client_name, secret_hash = excluded.secret_hash, "
                            + "auth_methods = excluded.auth_methods, redirect_uris = excluded.redirect_uris, "
                            + "post_logout_redirect_uris = excluded.post_logout_redirect_uris, scopes = excluded.scopes, "
                            + "id_token_alg = excluded.id_token_alg, userinfo_alg = excluded.userinfo_alg, "
                            + "sector = excluded.sector, jwks = excluded.jwks, require_pkce = excluded.require_pkce, "
                            + "default_acr_values = excluded.default_acr_values, jwks_uri = excluded.jwks_uri, "
                            + "id_token_enc_alg = excluded.id_token_enc_alg, id_token_enc_enc = excluded.id_token_enc_enc, "
                            + "userinfo_enc_alg = excluded.userinfo_enc_alg, userinfo_enc_enc = excluded.userinfo_enc_enc, "
                            + "require_pushed_authorization_requests = excluded.require_pushed_authorization_requests, "
                            + "dpop_bound_access_tokens = excluded.dpop_bound_access_tokens, fapi = excluded.fapi, "
                            + "backchannel_logout_uri = excluded.backchannel_logout_uri, "
                            + "backchannel_logout_session_required = excluded.backchannel_logout_session_required, "
                            + "source = excluded.source, updated_at = now()")
                    .bind("client_id", rp.clientId())
                    .bind("client_name", rp.name())
                    .bind("auth_methods", (p.authMethods() == null || p.authMethods().isEmpty()
                            ? List.of("client_secret_basic") : p.authMethods()).toArray(String[]::new))
                    .bind("redirect_uris", p.redirectUris().toArray(String[]::new))
                    .bind("post_logout_redirect_uris", (p.postLogoutRedirectUris() == null ? List.<String>of()
                            : p.postLogoutRedirectUris()).toArray(String[]::new))
                    .bind("scopes", p.scopes().toArray(String[]::new))
                    .bind("id_token_alg", rp.idTokenAlg().getName())
                    .bind("sector", rp.sector())
                    .bind("require_pkce", rp.requiresPkce())
                    .bind("default_acr_values", (p.defaultAcrValues() == null ? List.<String>of()
                            : p.defaultAcrValues()).toArray(String[]::new))
                    .bind("require_par", Boolean.TRUE.equals(p.requirePushedAuthorizationRequests()))
                    .bind("dpop", Boolean.TRUE.equals(p.dpopBoundAccessTokens()))
                    .bind("fapi", rp.fapi())
                    .bind("backchannel_logout_session_required", rp.backchannelLogoutSessionRequired())
                    .bind("source", source);
            Encryption idEnc = rp.idTokenEncryption();
            Encryption uiEnc = rp.userinfoEncryption();
            spec = Sql.bind(spec, "jwks_uri", rp.jwksUri() == null ? null : rp.jwksUri().toString());
            spec = Sql.bind(spec, "backchannel_logout_uri",
                    rp.backchannelLogoutUri() == null ? null : rp.backchannelLogoutUri().toString());
            spec = Sql.bind(spec, "id_token_enc_alg", idEnc == null ? null : idEnc.alg().getName());
            spec = Sql.bind(spec, "id_token_enc_enc", idEnc == null ? null : idEnc.enc().getName());
            spec = Sql.bind(spec, "userinfo_enc_alg", uiEnc == null ? null : uiEnc.alg().getName());
            spec = Sql.bind(spec, "userinfo_enc_enc", uiEnc == null ? null : uiEnc.enc().getName());
            spec = Sql.bind(spec, "secret_hash", p.clientSecretSha256());
            spec = Sql.bind(spec, "userinfo_alg", rp.userinfoAlg() == null ? null : rp.userinfoAlg().getName());
            spec = Sql.bind(spec, "jwks", p.jwks());
            return spec.then().thenReturn(rp).doOnNext(this::remember);
        });
    }

    private Mono<Void> reload() {
        return db.sql("select " + COLUMNS + " from relying_party")
                .map(RelyingParties::properties)
                .all()
                .flatMap(p -> Mono.fromCallable(() -> RelyingParty.from(p)).onErrorResume(e -> {
                    log.error("Relying party {} in the database is invalid: {}", p.clientId(), e.getMessage());
                    return Mono.empty();
                }))
                .collectMap(RelyingParty::clientId)
                .doOnNext(all -> {
                    byId = Map.copyOf(all);
                    redirectOrigins = origins(byId);
                })
                .then();
    }

    private synchronized void remember(RelyingParty rp) {
        Map<String, RelyingParty> copy = new HashMap<>(byId);
        copy.put(rp.clientId(), rp);
        byId = Map.copyOf(copy);
        redirectOrigins = origins(byId);
    }

    /** The origins of every registered redirect and post-logout redirect URI (CSP form-action of our pages). */
    @Override
    public java.util.Set<String> formTargetOrigins() {
        return redirectOrigins;
    }

    private static java.util.Set<String> origins(Map<String, RelyingParty> all) {
        java.util.Set<String> origins = new java.util.TreeSet<>();
        all.values().forEach(rp -> {
            rp.redirectUris().forEach(uri -> addOrigin(origins, uri));
            rp.postLogoutRedirectUris().forEach(uri -> addOrigin(origins, uri));
        });
        return java.util.Set.copyOf(origins);
    }

    private static void addOrigin(java.util.Set<String> origins, String uri) {
        String origin = fr.ameli.idp.web.FormTargets.originOf(uri);
        if (origin != null) {
            origins.add(origin);
        }
    }


    private static ClientProperties properties(Readable row) {
        return new ClientProperties(
                row.get("client_id", String.class),
                row.get("client_name", String.class),
                row.get("secret_hash", String.class),
                Arrays.asList(row.get("auth_methods", String[].class)),
                Arrays.asList(row.get("redirect_uris", String[].class)),
                Arrays.asList(row.get("post_logout_redirect_uris", String[].class)),
                Arrays.asList(row.get("scopes", String[].class)),
                row.get("id_token_alg", String.class),
                row.get("userinfo_alg", String.class),
                row.get("sector", String.class),
                row.get("jwks", String.class),
                row.get("require_pkce", Boolean.class),
                Arrays.asList(row.get("default_acr_values", String[].class)),
                row.get("jwks_uri", String.class),
                row.get("id_token_enc_alg", String.class),
                row.get("id_token_enc_enc", String.class),
                row.get("userinfo_enc_alg", String.class),
                row.get("userinfo_enc_enc", String.class),
                row.get("require_pushed_authorization_requests", Boolean.class),
                row.get("dpop_bound_access_tokens", Boolean.class),
                row.get("fapi", Boolean.class),
                row.get("backchannel_logout_uri", String.class),
                row.get("backchannel_logout_session_required", Boolean.class));
    }
}
