package fr.ameli.idp.oidc.authorize;

import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.web.error.PageException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Pushed authorization requests (RFC 9126) in PostgreSQL: the parameters of a validated request, under a
 * {@code request_uri} that lives 60 s and is used once (one atomic UPDATE marks it used, on any replica).
 */
@Component
class PushedAuthorizations {

    static final String URN = "urn:ietf:params:oauth:request_uri:";
    static final Duration LIFETIME = Duration.ofSeconds(60);

    private final DatabaseClient db;
    private final Clock clock;

    PushedAuthorizations(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Stores the pushed parameters; emits the request_uri. */
    Mono<String> push(String clientId, Params params) {
        return Mono.defer(() -> {
            String handle = Secrets.newHandle();
            Instant now = clock.instant();
            return db.sql("insert into pushed_authorization (handle_hash, client_id, params, created_at, expires_at) "
                            + "values (:hash, :client, :params, :now, :expires)")
                    .bind("hash", Secrets.sha256(handle))
                    .bind("client", clientId)
                    .bind("params", JSONObjectUtils.toJSONString(new LinkedHashMap<String, Object>(params.asMap())))
                    .bind("now", now)
                    .bind("expires", now.plus(LIFETIME))
                    .then().thenReturn(URN + handle);
        });
    }

    /**
     * Uses a request_uri: the pushed parameters, once, before they expire, for the client that pushed them. Any
     * other case (unknown, used, expired, another client) is the French "expired request" page: nothing proves
     * the redirect URI of the request, so nothing is sent back to it.
     */
    Mono<Params> use(String requestUri, String clientId) {
        if (!requestUri.startsWith(URN)) {
            return Mono.error(expired());
        }
        Instant now = clock.instant();
        return db.sql("update pushed_authorization set used_at = :now where handle_hash = :hash and used_at is null "
                        + "returning client_id, params, expires_at")
                .bind("now", now)
                .bind("hash", Secrets.sha256(requestUri.substring(URN.length())))
                .map(row -> new Object[] {row.get("client_id", String.class), row.get("params", String.class),
                        row.get("expires_at", OffsetDateTime.class).toInstant()})
                .one()
                .filter(row -> clientId.equals(row[0]) && ((Instant) row[2]).isAfter(now))
                .map(row -> params((String) row[1]))
                .switchIfEmpty(Mono.error(PushedAuthorizations::expired));
    }

    private static Params params(String json) {
        try {
            Map<String, String> values = new LinkedHashMap<>();
            JSONObjectUtils.parse(json).forEach((k, v) -> values.put(k, String.valueOf(v)));
            return Params.of(values);
        } catch (ParseException e) {
            throw new IllegalStateException("pushed parameters unreadable", e);
        }
    }

    private static PageException expired() {
        return new PageException("erreur.demande_expiree", HttpStatus.BAD_REQUEST);
    }
}
