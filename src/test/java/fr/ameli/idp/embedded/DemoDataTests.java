package fr.ameli.idp.embedded;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.core.io.ByteArrayResource;

/**
 * The demo data is switched at run time ({@code idp.demo.enabled}), not by a condition, since Spring AOT evaluates
 * conditions once at build time (pom.xml, process-aot): off, the runner touches nothing. The loading itself runs
 * in every test context of the embedded default, where it is on.
 */
class DemoDataTests {

    @Test
    void runWhenDisabledThenTouchesNoRegistryNorAccount() {
        // No registry, accounts nor codes to touch: any use of them would fail the run.
        DemoData demo = new DemoData(false, null, null, new ByteArrayResource(new byte[0]), new ByteArrayResource(new byte[0]),
                null, new ByteArrayResource(new byte[0]), Clock.systemUTC());

        assertThatCode(() -> demo.run(new DefaultApplicationArguments())).doesNotThrowAnyException();
    }

    @Test
    void runWhenEnabledThenLoads() {
        // The same runner switched on goes for the registry (here absent): the test above would see a load.
        DemoData demo = new DemoData(true, null, null, new ByteArrayResource("nir;nom\n".getBytes()),
                new ByteArrayResource(new byte[0]), null, new ByteArrayResource(new byte[0]), Clock.systemUTC());

        assertThatThrownBy(() -> demo.run(new DefaultApplicationArguments())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("this.registry");
    }
}
