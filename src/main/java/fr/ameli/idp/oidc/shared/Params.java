package fr.ameli.idp.oidc.shared;

import fr.ameli.idp.web.error.OAuthException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * The parameters of a protocol request, from the query (GET) or the form body (POST). A parameter sent
 * twice is refused (RFC 6749 §3.1: "parameters MUST NOT be included more than once"); an empty value
 * counts as absent (OIDC Core 3.1.2.1 for authorization; consistent elsewhere).
 */
public final class Params {

    private final Map<String, String> values;

    private Params(Map<String, String> values) {
        this.values = values;
    }

    /** GET: the query; POST: the form body only (a form post must be application/x-www-form-urlencoded). */
    public static Mono<Params> of(ServerRequest request) {
        if (request.method() == HttpMethod.GET) {
            return Mono.fromCallable(() -> single(request.queryParams()));
        }
        boolean form = request.headers().contentType()
                .map(t -> t.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)).orElse(false);
        if (!form) {
            return Mono.error(OAuthException.invalidRequest("body must be application/x-www-form-urlencoded"));
        }
        return request.formData().map(Params::single);
    }

    /** A query or form body read otherwise (in front of the pipeline): the same rules as above. */
    public static Params ofValues(MultiValueMap<String, String> values) {
        return single(values);
    }

    private static Params single(MultiValueMap<String, String> raw) {
        Map<String, String> values = new java.util.HashMap<>();
        for (Map.Entry<String, List<String>> e : raw.entrySet()) {
            List<String> list = e.getValue();
            if (list.size() > 1) {
                throw OAuthException.invalidRequest(e.getKey() + " included more than once");
            }
            String v = list.isEmpty() ? null : list.get(0);
            if (v != null && !v.isEmpty()) {
                values.put(e.getKey(), v);
            }
        }
        return new Params(Map.copyOf(values));
    }


    /** Parameters kept on the server (a pushed authorization request): trusted to be single-valued. */
    public static Params of(Map<String, String> values) {
        return new Params(Map.copyOf(values));
    }

    public Map<String, String> asMap() {
        return values;
    }

    public @Nullable String get(String name) {
        return values.get(name);
    }

    public String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw OAuthException.invalidRequest(name + " is required");
        }
        return v;
    }

}
