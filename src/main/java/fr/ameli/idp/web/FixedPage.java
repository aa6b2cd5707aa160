package fr.ameli.idp.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.DefaultCsrfToken;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import org.unbescape.html.HtmlEscape;
import org.unbescape.html.HtmlEscapeLevel;
import org.unbescape.html.HtmlEscapeType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A page whose markup is the same for every request but for a few values: the CSRF token and the named slots (a
 * request handle). The template is rendered once, through the same view as {@link Pages}, with a marker in place of
 * each value; afterwards a request costs the splicing of its values, HTML-escaped, between the fixed parts, instead of
 * a Thymeleaf rendering (expressions, messages, attribute processing, output encoding: 7 to 14 % of a login's
 * event-loop time in the profiles of issue 11).
 *
 * <p>Only for a page without personal data, errors or anything else that varies: such a variant is rendered by
 * {@link Pages}. The template must read nothing of its request but the slots (no {@code ${param...}}, cookie or
 * header): what it read from the first request would be served to everyone ({@code FixedPageTests} renders the first
 * request with query parameters the next ones lack). The first rendering happens on the first request, on its
 * exchange (the view needs one for its links and the CSRF processor); a request without a CSRF token is rendered by
 * {@link Pages} as well.
 */
public final class FixedPage {

    private final List<ViewResolver> views;
    private final String view;
    private final List<String> slots;
    private final Set<String> slotNames;
    /** A value no template or message contains: the markers are found again in the output by it. */
    private final String marker = "fixedpage" + java.util.UUID.randomUUID().toString().replace("-", "");
    private volatile @Nullable Parts parts;

    /**
     * @param views the application's view resolvers (Thymeleaf's), in their order
     * @param view the template, as given to {@link Pages#render}
     * @param slots the names of the model's per-request values, all strings
     */
    public FixedPage(List<ViewResolver> views, String view, String... slots) {
        this.views = List.copyOf(views);
        this.view = view;
        this.slots = List.of(slots);
        this.slotNames = Set.copyOf(this.slots);
    }

    /** The page, with these values for the slots (each slot given, none other). */
    public Mono<ServerResponse> render(ServerRequest request, Map<String, String> values) {
        if (!values.keySet().equals(slotNames)) {
            return Mono.error(new IllegalArgumentException("values for " + slots + " expected, got " + values.keySet()));
        }
        return Pages.csrfToken(request).flatMap(csrf -> {
            Parts ready = parts;
            return (ready != null ? Mono.just(ready) : prerender(request.exchange(), csrf).doOnNext(p -> parts = p))
                    .flatMap(p -> p.respond(values, csrf, slots));
        }).switchIfEmpty(Mono.defer(() -> Pages.render(request, view, values)));
    }

    private String marker(int slot) {
        return marker + slot + "x";
    }

    /**
     * Renders the template with markers for values, on a copy of the exchange whose response keeps what is written
     * and whose attributes are its own: the view leaves its model there, and Spring Security's form processor reads
     * the CSRF token from there (the marker for this rendering); the request's exchange is left as it was.
     */
    private Mono<Parts> prerender(ServerWebExchange exchange, CsrfToken real) {
        Map<String, Object> model = new HashMap<>();
        for (int i = 0; i < slots.size(); i++) {
            model.put(slots.get(i), marker(i));
        }
        CsrfToken markerToken = new DefaultCsrfToken(real.getHeaderName(), real.getParameterName(), marker(slots.size()));
        model.put("_csrf", markerToken);
        Capture capture = new Capture(exchange.getResponse());
        Map<String, Object> attributes = new ConcurrentHashMap<>(exchange.getAttributes());
        attributes.put("_csrf", markerToken);
        ServerWebExchange capturing = new ServerWebExchangeDecorator(exchange.mutate().response(capture).build()) {
            @Override
            public Map<String, Object> getAttributes() {
                return attributes;
            }
        };
        // French pages only (spring.web.locale-resolver: fixed): one locale, so one rendering serves every request.
        Locale locale = exchange.getLocaleContext().getLocale();
        return Flux.fromIterable(views)
                .concatMap(resolver -> resolver.resolveViewName(view, locale != null ? locale : Locale.FRANCE))
                .next()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("no view for the template " + view)))
                .flatMap(found -> {
                    // The type a rendering response gives a view when the handler set none: the view's first.
                    List<MediaType> types = found.getSupportedMediaTypes();
                    return found.render(model, types.isEmpty() ? null : types.get(0), capturing);
                })
                .then(Mono.fromCallable(() -> split(capture)));
    }

    /** The output cut at the markers; refused (and not kept) unless every value has its place in it. */
    private Parts split(Capture capture) {
        String page = capture.body.toString();
        List<byte[]> fixed = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        int from = 0;
        while (true) {
            int at = page.indexOf(marker, from);
            if (at < 0) {
                break;
            }
            int end = page.indexOf('x', at + marker.length());
            fixed.add(page.substring(from, at).getBytes(StandardCharsets.UTF_8));
            order.add(Integer.parseInt(page.substring(at + marker.length(), end)));
            from = end + 1;
        }
        fixed.add(page.substring(from).getBytes(StandardCharsets.UTF_8));
        for (int slot = 0; slot <= slots.size(); slot++) {
            if (!order.contains(slot)) {
                throw new IllegalStateException("the template " + view + " shows no "
                        + (slot == slots.size() ? "CSRF token" : slots.get(slot)) + ": not a fixed page");
            }
        }
        MediaType type = capture.headers.getContentType();
        return new Parts(fixed, order, type != null ? type : new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8),
                capture.headers.getContentLanguage());
    }

    /** The fixed text between the values, and which value goes in each gap (the CSRF token is the last index). */
    private record Parts(List<byte[]> fixed, List<Integer> order, MediaType contentType, @Nullable Locale language) {

        Mono<ServerResponse> respond(Map<String, String> values, CsrfToken csrf, List<String> slots) {
            byte[][] gaps = new byte[order.size()][];
            int length = 0;
            for (int i = 0; i < order.size(); i++) {
                int slot = order.get(i);
                String value = slot == slots.size() ? csrf.getToken() : values.get(slots.get(slot));
                // Escaped as Thymeleaf escapes a th:value or th:text (markup-significant characters only).
                gaps[i] = HtmlEscape.escapeHtml(value, HtmlEscapeType.HTML4_NAMED_REFERENCES_DEFAULT_TO_DECIMAL,
                        HtmlEscapeLevel.LEVEL_1_ONLY_MARKUP_SIGNIFICANT).getBytes(StandardCharsets.UTF_8);
                length += gaps[i].length;
            }
            for (byte[] part : fixed) {
                length += part.length;
            }
            byte[] body = new byte[length];
            int at = 0;
            for (int i = 0; i < fixed.size(); i++) {
                byte[] part = fixed.get(i);
                System.arraycopy(part, 0, body, at, part.length);
                at += part.length;
                if (i < gaps.length) {
                    System.arraycopy(gaps[i], 0, body, at, gaps[i].length);
                    at += gaps[i].length;
                }
            }
            ServerResponse.BodyBuilder response = ServerResponse.ok().cacheControl(CacheControl.noStore()).contentType(contentType);
            if (language != null) {
                response.header(HttpHeaders.CONTENT_LANGUAGE, language.toLanguageTag());
            }
            return response.bodyValue(body);
        }
    }

    /** Keeps what the view writes instead of sending it; its headers are its own. */
    private static final class Capture extends ServerHttpResponseDecorator {

        private final HttpHeaders headers = new HttpHeaders();
        private final StringBuilder body = new StringBuilder();

        Capture(ServerHttpResponse response) {
            super(response);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public boolean setStatusCode(@Nullable HttpStatusCode status) {
            return true;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> written) {
            return DataBufferUtils.join(Flux.from(written)).doOnNext(buffer -> {
                body.append(buffer.toString(StandardCharsets.UTF_8));
                DataBufferUtils.release(buffer);
            }).then();
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> written) {
            return writeWith(Flux.from(written).concatMap(Flux::from));
        }

        @Override
        public Mono<Void> setComplete() {
            return Mono.empty();
        }
    }
}
