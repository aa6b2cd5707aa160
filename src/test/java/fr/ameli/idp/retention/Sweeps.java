package fr.ameli.idp.retention;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.springframework.context.ApplicationContext;

/** For tests of other capabilities: the application's retention sweep, run at once. */
public final class Sweeps {

    private Sweeps() {
    }

    /** Runs one whole sweep of the application's rules now; waits its turn while another sweep holds the lock. */
    public static void now(ApplicationContext context) {
        RetentionSweep sweep = context.getBean(RetentionSweep.class);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> !sweep.sweep().block().skipped());
    }
}
