package fr.ameli.idp.browser;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Chromium (and its chromedriver) for all the tests of a class, started before the first and ended after the
 * last: starting one costs about a second, and {@code mvn verify} must stay fast. Each test gets a {@link Browser}
 * on it with no cookie left by the previous test.
 */
final class OneChromiumPerClass implements BeforeAllCallback, AfterAllCallback {

    private final boolean javascript;
    private final Consumer<Chromium> setUp;
    private Chromium chromium;

    private OneChromiumPerClass(boolean javascript, Consumer<Chromium> setUp) {
        this.javascript = javascript;
        this.setUp = setUp;
    }

    static OneChromiumPerClass withJavaScript() {
        return new OneChromiumPerClass(true, c -> { });
    }

    static OneChromiumPerClass withJavaScript(Consumer<Chromium> setUp) {
        return new OneChromiumPerClass(true, setUp);
    }

    static OneChromiumPerClass withoutJavaScript() {
        return new OneChromiumPerClass(false, c -> { });
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        chromium = Chromium.start(javascript);
        setUp.accept(chromium);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    /** A person on the service of this port, with none of the previous test's cookies. */
    Browser browser(int port) {
        return new Browser(chromium, port).forgetEverything();
    }
}
