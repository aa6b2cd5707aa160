package fr.ameli.idp.web.error;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Every route of a set of routers, with its methods, its path pattern and the {@link ErrorChannel} its router
 * declared, read through Spring's {@link RouterFunctions.Visitor} (no request needed). The error handler uses it to
 * answer 405 (with {@code Allow}) rather than 404 when a path exists with other methods; the tests use it to check
 * that every router declared a channel and that every API route is documented.
 */
public final class RouteCatalog {

    /** One route: {@code methods} empty when the route does not restrict them. */
    public record Route(Set<HttpMethod> methods, String pattern, @Nullable ErrorChannel channel) {

        boolean matches(PathContainer path) {
            PathPattern parsed = PathPatternParser.defaultInstance.parse(pattern);
            return parsed.matches(path);
        }
    }

    private final List<Route> routes;

    private RouteCatalog(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /** The routes of these routers, in order. */
    public static RouteCatalog of(List<? extends RouterFunction<?>> routers) {
        List<Route> all = new ArrayList<>();
        for (RouterFunction<?> router : routers) {
            Collector collector = new Collector();
            router.accept(collector);
            all.addAll(collector.routes);
        }
        return new RouteCatalog(all);
    }

    public List<Route> routes() {
        return routes;
    }

    /** The routes whose path pattern matches {@code path}, whatever their methods. */
    public List<Route> matching(String path) {
        PathContainer container = PathContainer.parsePath(path);
        return routes.stream().filter(r -> r.matches(container)).toList();
    }

    /** The methods some route serves at {@code path}; empty when no route has that path (or one takes any method). */
    Set<HttpMethod> allowed(List<Route> matching) {
        Set<HttpMethod> allowed = new LinkedHashSet<>();
        for (Route route : matching) {
            if (route.methods().isEmpty()) {
                return Set.of();
            }
            allowed.addAll(route.methods());
        }
        return allowed;
    }

    /** Walks one router; a route's channel is the one its router declared ({@link ErrorChannel#declare}). */
    private static final class Collector implements RouterFunctions.Visitor {

        private final List<Route> routes = new ArrayList<>();
        private final Deque<String> prefixes = new ArrayDeque<>();
        private @Nullable ErrorChannel channel;

        @Override
        public void startNested(RequestPredicate predicate) {
            PredicateReader reader = new PredicateReader();
            predicate.accept(reader);
            prefixes.push(reader.path == null ? "" : reader.path);
        }

        @Override
        public void endNested(RequestPredicate predicate) {
            prefixes.pop();
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
            PredicateReader reader = new PredicateReader();
            predicate.accept(reader);
            StringBuilder pattern = new StringBuilder();
            prefixes.descendingIterator().forEachRemaining(pattern::append);
            pattern.append(reader.path == null ? "/**" : reader.path);
            routes.add(new Route(Set.copyOf(reader.methods), pattern.toString(), channel));
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookup) {
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
            if (attributes.get(ErrorChannel.ATTRIBUTE) instanceof ErrorChannel declared) {
                channel = declared;
            }
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
        }
    }

    /** The method(s) and path of a predicate built by {@code RouterFunctions.route().GET(path, …)} and the like. */
    private static final class PredicateReader implements RequestPredicates.Visitor {

        private final Set<HttpMethod> methods = new LinkedHashSet<>();
        private @Nullable String path;

        @Override
        public void method(Set<HttpMethod> methods) {
            this.methods.addAll(methods);
        }

        @Override
        public void path(String pattern) {
            path = path == null ? pattern : path + pattern;
        }

        @Override
        public void pathExtension(String extension) {
        }

        @Override
        public void header(String name, String value) {
        }

        @Override
        public void queryParam(String name, String value) {
        }

        @Override
        public void version(String version) {
        }

        @Override
        public void startAnd() {
        }

        @Override
        public void and() {
        }

        @Override
        public void endAnd() {
        }

        @Override
        public void startOr() {
        }

        @Override
        public void or() {
        }

        @Override
        public void endOr() {
        }

        @Override
        public void startNegate() {
        }

        @Override
        public void endNegate() {
        }

        @Override
        public void unknown(RequestPredicate predicate) {
        }
    }
}
