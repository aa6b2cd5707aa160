package fr.ameli.idp.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Spring's and Spring Security's {@code logger.debug(LogMessage.format(...))} must cost nothing while DEBUG is off:
 * the commons-logging adapter in use (META-INF/services) checks the level before it renders the message, and still
 * hands enabled events to Logback.
 */
class LazyDebugLoggingTests {

    private static final String NAME = LazyDebugLoggingTests.class.getName();

    private final Logger logback = (Logger) LoggerFactory.getLogger(NAME);

    private final ListAppender<ILoggingEvent> appended = new ListAppender<>();

    private Level before;

    @BeforeEach
    void infoLevel() {
        // as configured in application.yml (root INFO), whatever this test JVM's Logback was set up with
        before = logback.getLevel();
        logback.setLevel(Level.INFO);
        appended.start();
        logback.addAppender(appended);
    }

    @AfterEach
    void restore() {
        logback.detachAppender(appended);
        logback.setLevel(before);
    }

    private final AtomicInteger rendered = new AtomicInteger();

    /** A message like Spring's LogMessage: rendered only when its toString is called, which this counts. */
    private final Object message = new Object() {
        @Override
        public String toString() {
            rendered.incrementAndGet();
            return "Trying to match using ...";
        }
    };

    @Test
    void debugWhenDisabledThenMessageNeverRendered() {
        Log log = LogFactory.getLog(NAME);

        assertThat(log.isDebugEnabled()).isFalse();
        log.debug(message);
        log.trace(message);

        assertThat(rendered).hasValue(0);
        assertThat(appended.list).isEmpty();
    }

    @Test
    void infoWhenEnabledThenRenderedOnceAndSentToLogback() {
        Log log = LogFactory.getLog(NAME);

        assertThat(log.isInfoEnabled()).isTrue();
        log.info(message);

        assertThat(rendered).hasValue(1);
        // through Log4j's API and log4j-to-slf4j to Logback, as every other log line
        assertThat(appended.list).singleElement().extracting(ILoggingEvent::getFormattedMessage)
                .isEqualTo("Trying to match using ...");
    }
}
