package fr.ameli.idp.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.WebSessionManager;
import reactor.core.publisher.Mono;

/**
 * No {@link WebSession}: the service keeps its state in PostgreSQL (login sessions, pending authorizations,
 * enrollments), so that every replica serves every request, and nothing of it may live in one replica's memory.
 * Every exchange gets the same session that never starts, holds nothing and is never saved.
 *
 * <p>Why not WebFlux's default: its in-memory store makes a session for any exchange whose session is asked for —
 * rendering a page asks for it — by drawing a random id on a {@code boundedElastic} thread and handing the rest of
 * the request to a {@code parallel} thread: two thread hand-overs per page, for a session nobody keeps (the bench's
 * per-thread reading showed a login's page rendered on {@code parallel}; without the hand-overs, with
 * {@link CsrfTokens}, a login's own work was 0.1 ms less in turns). A component that tried to store something in a
 * session would now fail (its attributes are immutable) instead of keeping it on one replica.
 */
@Configuration(proxyBeanMethods = false)
class NoWebSessions {

    private static final Mono<WebSession> NONE = Mono.just(new Unstarted());

    @Bean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
    WebSessionManager webSessionManager() {
        return NoWebSessions::session;
    }

    static Mono<WebSession> session(ServerWebExchange exchange) {
        return NONE;
    }

    /** A session that is never started: no id, no attributes, nothing to save or invalidate. */
    static final class Unstarted implements WebSession {

        @Override
        public String getId() {
            return "";
        }

        @Override
        public Map<String, Object> getAttributes() {
            return Map.of();
        }

        @Override
        public void start() {
            throw new UnsupportedOperationException("No WebSession here: the service keeps its state in PostgreSQL");
        }

        @Override
        public boolean isStarted() {
            return false;
        }

        @Override
        public Mono<Void> changeSessionId() {
            return Mono.empty();
        }

        @Override
        public Mono<Void> invalidate() {
            return Mono.empty();
        }

        @Override
        public Mono<Void> save() {
            return Mono.empty();
        }

        @Override
        public boolean isExpired() {
            return false;
        }

        @Override
        public Instant getCreationTime() {
            return Instant.EPOCH;
        }

        @Override
        public Instant getLastAccessTime() {
            return Instant.EPOCH;
        }

        @Override
        public void setMaxIdleTime(Duration maxIdleTime) {
        }

        @Override
        public Duration getMaxIdleTime() {
            return Duration.ZERO;
        }
    }
}
