package fr.ameli.idp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.server.WebFilter;

/**
 * Which requests reached the WebFlux pipeline (web filters, routing, handlers), for the tests of what is answered in
 * front of it (userinfo's bearer GET, the token endpoint's form post, the authorization endpoint's GET): a request
 * carrying {@link #HEADER} with a value of the test's choosing is recorded under that value when its first web filter runs. The ids are random, so that tests sharing the context
 * do not see each other's; the set lives as long as the test JVM.
 */
@TestConfiguration(proxyBeanMethods = false)
public class PipelineRequests {

    public static final String HEADER = "X-Test-Request";

    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    /** Whether a request sent with {@code HEADER: id} reached the pipeline. */
    public static boolean reachedPipeline(String id) {
        return SEEN.contains(id);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    WebFilter pipelineRequestRecorder() {
        return (exchange, chain) -> {
            String id = exchange.getRequest().getHeaders().getFirst(HEADER);
            if (id != null) {
                SEEN.add(id);
            }
            return chain.filter(exchange);
        };
    }
}
