package fr.ameli.idp.web;

import fr.ameli.idp.web.error.PageException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Bounded lengths at the edge of every page (issue 10 #12): a query parameter or form field longer than its limit
 * is refused with a French page (400, {@code erreur.valeur_trop_longue}) before any handler stores it. Most fields
 * have stricter rules of their own (a NIR, an address, a password); what this adds is a bound for the others,
 * {@code auth} first (a pending authorization's id, 43 characters, which login and enrollment store as given).
 *
 * <p>Not the protocol endpoints, which answer in their own way: {@code /authorize} bounds its parameters itself
 * (so that errors go back to the relying party), the token, userinfo and revocation endpoints store nothing a
 * client sends but a {@code private_key_jwt} {@code jti} (bounded there), the JSON APIs bound their fields.
 */
@Component
public class ParameterLimits implements WebFilter {

    /** Any field not named below. Enough for every form of the service (the longest are addresses, 254). */
    public static final int DEFAULT_MAX = 2048;

    private static final Map<String, Integer> MAX = Map.of(
            "auth", 64,
            // RP-initiated logout: sent back to the relying party, and stored with a federated logout.
            "state", 512,
            "id_token_hint", 8192);

    private static final List<String> NOT_PAGES = List.of("/authorize", "/par", "/token", "/userinfo", "/revoke", "/jwks",
            "/status");
    private static final List<String> NOT_PAGE_PREFIXES = List.of("/.well-known/", "/actuator/", "/operator/", "/api/",
            "/dev/");

    /** The limit of the field {@code name}. */
    public static int max(String name) {
        return MAX.getOrDefault(name, DEFAULT_MAX);
    }

    /** The first field of {@code fields} longer than its limit, or {@code null}. */
    public static @Nullable String tooLong(Map<String, String> fields) {
        return fields.entrySet().stream().filter(e -> e.getValue() != null && e.getValue().length() > max(e.getKey()))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (NOT_PAGES.contains(path) || NOT_PAGE_PREFIXES.stream().anyMatch(path::startsWith)) {
            return chain.filter(exchange);
        }
        if (exceeds(exchange.getRequest().getQueryParams())) {
            return Mono.error(refused());
        }
        boolean form = exchange.getRequest().getMethod() == HttpMethod.POST && exchange.getRequest().getHeaders()
                .getContentType() != null && MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(
                        exchange.getRequest().getHeaders().getContentType());
        if (!form) {
            return chain.filter(exchange);
        }
        // Read once: the exchange keeps the parsed form for the handler (and for the CSRF check).
        return exchange.getFormData().flatMap(fields -> exceeds(fields) ? Mono.error(refused()) : chain.filter(exchange));
    }

    private static boolean exceeds(MultiValueMap<String, String> values) {
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            int max = max(e.getKey());
            for (String value : e.getValue()) {
                if (value != null && value.length() > max) {
                    return true;
                }
            }
        }
        return false;
    }

    private static PageException refused() {
        return new PageException("erreur.valeur_trop_longue", HttpStatus.BAD_REQUEST);
    }
}
