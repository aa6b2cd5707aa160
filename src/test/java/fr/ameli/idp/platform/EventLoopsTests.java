package fr.ameli.idp.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class EventLoopsTests {

    @Test
    void onePerCoreWhenUnsetThenAsManyLoopsAsCores() {
        Properties system = new Properties();

        EventLoops.onePerCore(system, 2);

        assertThat(system.getProperty("reactor.netty.ioWorkerCount")).isEqualTo("2");
    }

    @Test
    void onePerCoreWhenOperatorSetItThenKept() {
        Properties system = new Properties();
        system.setProperty("reactor.netty.ioWorkerCount", "6");

        EventLoops.onePerCore(system, 2);

        assertThat(system.getProperty("reactor.netty.ioWorkerCount")).isEqualTo("6");
    }
}
