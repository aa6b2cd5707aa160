package fr.ameli.idp.platform;

import java.util.Properties;
import reactor.netty.ReactorNetty;

/**
 * One event loop per core available to the JVM. Reactor Netty starts max(cores, 4) loops for the HTTP server, and the
 * PostgreSQL driver shares them (PlatformConfiguration): on the 2-core pods, with 4 loops a statement's answer often
 * came in on another loop than its request (three times in four if connections and requests pair at random), each
 * time a task handed over and a thread woken up ({@code strace -c}: 0.43 eventfd writes and 0.46 futex calls per
 * userinfo request).
 * Measured in turns on the same jar (2026-12-06, {@code bench/run.sh --baseline-jvm -Dreactor.netty.ioWorkerCount=2}):
 * userinfo -9 to -21 % CPU per operation, SSO -3 to -16 %, login the same.
 * An explicit {@code -Dreactor.netty.ioWorkerCount} wins. Must run before Reactor Netty's loops are created: first
 * thing in {@code main}.
 */
public final class EventLoops {

    private EventLoops() {
    }

    public static void onePerCore() {
        onePerCore(System.getProperties(), Runtime.getRuntime().availableProcessors());
    }

    static void onePerCore(Properties system, int cores) {
        if (system.getProperty(ReactorNetty.IO_WORKER_COUNT) == null) {
            system.setProperty(ReactorNetty.IO_WORKER_COUNT, Integer.toString(cores));
        }
    }
}
