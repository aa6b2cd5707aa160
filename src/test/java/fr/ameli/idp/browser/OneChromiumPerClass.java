package fr.ameli.idp.browser;

import fr.ameli.idp.TestBrowser;
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
    private Chromium chromium;

    private OneChromiumPerClass(boolean javascript) {
        this.javascript = javascript;
    }

    static OneChromiumPerClass withJavaScript() {
        return new OneChromiumPerClass(true);
    }

    static OneChromiumPerClass withoutJavaScript() {
        return new OneChromiumPerClass(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        chromium = Chromium.start(javascript);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    /**
     * A person on the service of this port, with none of the previous test's cookies, coming from a client address of
     * its own (the test plays the ingress proxy, as {@link TestBrowser} does), so that per-address limits of one test
     * never reach another.
     */
    Browser browser(int port) {
        chromium.header("X-Forwarded-For", TestBrowser.newClientAddress());
        return new Browser(chromium, port).forgetEverything();
    }
}
