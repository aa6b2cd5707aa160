package fr.ameli.idp.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a person does with the real browser, against the service under test: open a page, fill in and submit
 * forms with the mouse or with the keyboard only, and, on each page of a flow, {@link #page check} it: French
 * language, a title, one {@code h1}, no WCAG 2.1 A/AA violation (axe), a screenshot at desktop width and one at
 * 375 px without horizontal scrolling.
 */
final class Browser {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Map<String, AtomicInteger> PAGES_PER_FLOW = new ConcurrentHashMap<>();

    static {
        // this run's pages only (page numbers of a flow change when its tests do)
        try (java.util.stream.Stream<Path> old = Files.exists(SCREENSHOTS) ? Files.walk(SCREENSHOTS) : java.util.stream.Stream.empty()) {
            for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    final Chromium chromium;
    final ChromeDriver driver;
    private final String base;
    private String flow = "divers";

    Browser(Chromium chromium, int port) {
        this.chromium = chromium;
        this.driver = chromium.driver;
        this.base = "http://localhost:" + port;
    }

    /** The folder of the screenshots that follow: {@code target/screenshots/<flow>/}. */
    Browser flow(String name) {
        this.flow = name;
        return this;
    }

    /** A new person on this browser: no cookie of the service left (session, device, attempts). */
    Browser forgetEverything() {
        // every cookie of every path (WebDriver's deleteAllCookies only sees those of the current page's path)
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        return this;
    }

    Browser open(String pathAndQuery) {
        driver.get(pathAndQuery.startsWith("http") ? pathAndQuery : base + pathAndQuery);
        return this;
    }

    String path() {
        return URI.create(driver.getCurrentUrl()).getPath();
    }

    String url() {
        return driver.getCurrentUrl();
    }

    String text() {
        // A page that is being replaced has no body for a moment, and its elements go stale.
        return new WebDriverWait(driver, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.NoSuchElementException.class)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                // some Chromium versions report a replaced node as "unknown error: Node … does not belong to the document"
                .ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> d.findElement(By.tagName("body")).getText());
    }

    String heading() {
        return driver.findElement(By.cssSelector("main h1")).getText();
    }

    String cookie(String name) {
        Cookie cookie = driver.manage().getCookieNamed(name);
        return cookie == null ? null : cookie.getValue();
    }

    void setCookie(String name, String value) {
        driver.manage().addCookie(new Cookie(name, value, "/"));
    }

    WebElement field(String id) {
        return driver.findElement(By.id(id));
    }

    /** Types into the field of this id (emptied first), with the mouse. */
    Browser fill(String id, String value) {
        WebElement field = field(id);
        field.clear();
        field.sendKeys(value);
        return this;
    }

    Browser check(String radioId) {
        driver.findElement(By.cssSelector("label[for='" + radioId + "']")).click();
        return this;
    }

    /** Clicks the button or link whose visible text is {@code text}, and waits for the next page. */
    Browser click(String text) {
        WebElement target = driver.findElements(By.xpath("//main//*[(self::button or self::a) and normalize-space(.)="
                        + xpathLiteral(text) + "]")).stream().filter(WebElement::isDisplayed).findFirst()
                .orElseThrow(() -> new AssertionError("no visible button or link « " + text + " » on " + url()));
        boolean navigates = "a".equals(target.getTagName())
                ? target.getAttribute("href") != null && !target.getAttribute("href").contains("#")
                : "submit".equals(target.getDomProperty("type"));
        String before = markDocument();
        target.click();
        if (navigates) {
            awaitNextDocument(before);
        }
        waitReady();
        return this;
    }

    /** Marks the document now shown, so that {@link #awaitNextDocument} can tell when another one replaced it. */
    private String markDocument() {
        String mark = java.util.UUID.randomUUID().toString();
        js("window.__documentUnderTest = arguments[0];", mark);
        return mark;
    }

    /**
     * Waits until the document marked {@code before} has been replaced. The old page stays "complete" until the
     * server's answer arrives: without this, a read right after a submit can see the old page (or none) on a loaded
     * machine. The mark lives in the page's script context, which a new document does not inherit; element
     * staleness is not used, since Chromium reports a replaced node as an "unknown error" on some versions.
     * An action that turns out not to navigate (a form the browser refuses to send) costs the timeout, not a failure.
     */
    private void awaitNextDocument(String before) {
        try {
            new WebDriverWait(driver, Duration.ofSeconds(30))
                    .ignoring(org.openqa.selenium.WebDriverException.class) // while the page is being replaced
                    .until(d -> !before.equals(js("return window.__documentUnderTest || null;")));
        } catch (org.openqa.selenium.TimeoutException stillThere) {
            // no navigation: the same page goes on
        }
    }

    /** Checks the page of the flow now shown, then saves its screenshots as {@code <nn>-<name>}. */
    Browser page(String name) {
        waitReady();
        String where = flow + "/" + name + " (" + driver.getCurrentUrl() + ")";
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).as("language of %s", where).isEqualTo("fr");
        assertThat(driver.findElements(By.cssSelector("main h1"))).as("one h1 in the main landmark of %s", where).hasSize(1);
        String title = driver.getTitle();
        assertThat(title).as("title of %s: its h1 (after « Erreur : » when an error is shown)", where)
                .matches(java.util.regex.Pattern.quote(title.startsWith("Erreur : ") ? "Erreur : " + heading() : heading()) + ".*")
                .endsWith(" - Compte ameli");
        if (!driver.findElements(By.cssSelector("[aria-invalid='true']")).isEmpty()) {
            assertThat(title).as("title of %s, where a field is refused", where).startsWith("Erreur : ");
        }
        if (title.startsWith("Erreur : ")) {
            assertThat(driver.findElements(By.cssSelector("main [role='alert'], main .champ-erreur")))
                    .as("error shown on %s", where).isNotEmpty();
        }
        assertThat(formProblems()).as("errors and descriptions tied to their fields on %s", where).isEmpty();
        if (chromium.javascript) {
            Axe.assertNoViolation(driver, flow + "/" + name);
        } else {
            chromium.pageScripts(true);
            try {
                Axe.assertNoViolation(driver, flow + "/" + name);
            } finally {
                chromium.pageScripts(false);
            }
        }

        int number = PAGES_PER_FLOW.computeIfAbsent(flow, f -> new AtomicInteger()).incrementAndGet();
        String file = String.format("%02d-%s", number, name);
        save(flow, file + ".png", chromium.fullPageScreenshot());
        chromium.phoneWidth();
        try {
            long overflow = (Long) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow).as("horizontal scrolling at %d px on %s", Chromium.MOBILE_WIDTH, where).isLessThanOrEqualTo(0);
            save(flow, file + "-" + Chromium.MOBILE_WIDTH + "px.png", chromium.fullPageScreenshot());
        } finally {
            chromium.desktopWidth();
        }
        return this;
    }

    /**
     * What axe does not check about forms: each error message is tied to its field (aria-describedby) and that field
     * is marked invalid; each invalid field is described by a message; each id reference resolves.
     */
    @SuppressWarnings("unchecked")
    java.util.List<String> formProblems() {
        return (java.util.List<String>) js("""
                var problems = [];
                function refs(attr, id) {
                  return Array.prototype.filter.call(document.querySelectorAll('[' + attr + ']'), function (e) {
                    return e.getAttribute(attr).trim().split(/\\s+/).indexOf(id) >= 0;
                  });
                }
                document.querySelectorAll('.champ-erreur').forEach(function (message) {
                  if (!message.id) { problems.push('message without id: ' + message.textContent); return; }
                  var fields = refs('aria-describedby', message.id);
                  if (!fields.length) { problems.push('message ' + message.id + ' describes no field'); }
                  fields.forEach(function (f) {
                    if (f.tagName !== 'FIELDSET' && f.getAttribute('aria-invalid') !== 'true') {
                      problems.push((f.id || f.name) + ' described by ' + message.id + ' but not aria-invalid');
                    }
                  });
                });
                document.querySelectorAll('[aria-invalid="true"]').forEach(function (f) {
                  var ids = (f.getAttribute('aria-describedby') || '').trim().split(/\\s+/).filter(Boolean);
                  var group = f.closest('fieldset[aria-describedby]');
                  if (group) { ids = ids.concat(group.getAttribute('aria-describedby').trim().split(/\\s+/)); }
                  var described = ids.some(function (id) {
                    var e = document.getElementById(id);
                    return e && (e.classList.contains('champ-erreur') || e.getAttribute('role') === 'alert');
                  });
                  if (!described) { problems.push((f.id || f.name) + ' is invalid without an error message'); }
                });
                ['aria-describedby', 'aria-labelledby', 'aria-controls'].forEach(function (attr) {
                  document.querySelectorAll('[' + attr + ']').forEach(function (e) {
                    e.getAttribute(attr).trim().split(/\\s+/).filter(Boolean).forEach(function (id) {
                      if (!document.getElementById(id)) { problems.push(attr + ' of ' + (e.id || e.tagName) + ' names missing ' + id); }
                    });
                  });
                });
                return problems;
                """);
    }

    /** What Chromium's accessibility tree (what screen readers read) says about an element. */
    record AxNode(String role, String name, String description, Map<String, Object> properties) {
    }

    @SuppressWarnings("unchecked")
    AxNode accessibility(String cssSelector) {
        Map<String, Object> root = (Map<String, Object>) driver.executeCdpCommand("DOM.getDocument", Map.of("depth", 0))
                .get("root");
        Object nodeId = driver.executeCdpCommand("DOM.querySelector", Map.of("nodeId", root.get("nodeId"),
                "selector", cssSelector)).get("nodeId");
        assertThat(((Number) nodeId).intValue()).as("element %s", cssSelector).isPositive();
        java.util.List<Map<String, Object>> nodes = (java.util.List<Map<String, Object>>) driver.executeCdpCommand(
                "Accessibility.getPartialAXTree", Map.of("nodeId", nodeId, "fetchRelatives", false)).get("nodes");
        Map<String, Object> node = nodes.get(0);
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        for (Map<String, Object> p : (java.util.List<Map<String, Object>>) node.getOrDefault("properties", java.util.List.of())) {
            properties.put((String) p.get("name"), ((Map<String, Object>) p.get("value")).get("value"));
        }
        return new AxNode(value(node.get("role")), value(node.get("name")), value(node.get("description")), properties);
    }

    @SuppressWarnings("unchecked")
    private static String value(Object axValue) {
        return axValue == null ? "" : String.valueOf(((Map<String, Object>) axValue).get("value"));
    }

    // --- keyboard only ---

    /** Starts keyboard navigation from the top of the document, as after loading the page. */
    Browser fromTop() {
        js("document.activeElement && document.activeElement.blur(); window.getSelection().removeAllRanges();");
        return this;
    }

    /** Presses Tab and returns a short description of the element that then has the focus. */
    String tab() {
        keys(Keys.TAB);
        return focused();
    }

    /** Presses Shift+Tab and returns the element that then has the focus. */
    String shiftTab() {
        new Actions(driver).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        return focused();
    }

    Browser keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
        return this;
    }

    /** Presses Enter (submits the form of the focused field, or follows the focused link) and waits. */
    Browser enter() {
        String before = markDocument();
        keys(Keys.ENTER);
        awaitNextDocument(before);
        waitReady();
        return this;
    }

    /** Tabs until an element matching {@code description} (as {@link #focused()} gives it) has the focus. */
    Browser tabTo(String description) {
        for (int i = 0; i < 40; i++) {
            if (tab().equals(description)) {
                return this;
            }
        }
        throw new AssertionError("Tab never reached " + description + " on " + driver.getCurrentUrl());
    }

    /** The focused element: {@code #id} for a field, otherwise {@code tag "text"} for a button or a link. */
    String focused() {
        return (String) js("""
                var e = document.activeElement;
                if (!e || e === document.body) { return 'body'; }
                if (e.id) { return '#' + e.id; }
                return e.tagName.toLowerCase() + ' "' + (e.textContent || e.value || '').trim().replace(/\\s+/g, ' ') + '"';
                """);
    }

    /**
     * Whether the focused element shows a focus indicator: an outline at least 2 px wide whose colour contrasts 3:1
     * at least with the white of the page (WCAG 2.4.7 and 1.4.11).
     */
    boolean focusVisible() {
        return (Boolean) js("""
                var e = document.activeElement, s = getComputedStyle(e);
                if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2) { return false; }
                var c = s.outlineColor.match(/[0-9.]+/g).slice(0, 3).map(function (v) {
                  v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
                });
                var luminance = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
                return 1.05 / (luminance + 0.05) >= 3;
                """);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    void waitReady() {
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    void waitForPath(String path) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> path().equals(path));
        waitReady();
    }

    private static void save(String flow, String file, byte[] png) {
        try {
            Path dir = SCREENSHOTS.resolve(flow);
            Files.createDirectories(dir);
            Files.write(dir.resolve(file), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String xpathLiteral(String text) {
        if (!text.contains("'")) {
            return "'" + text + "'";
        }
        return "concat('" + text.replace("'", "', \"'\", '") + "')";
    }
}
