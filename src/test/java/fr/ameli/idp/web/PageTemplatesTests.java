package fr.ameli.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Every form that posts carries the CSRF token once, from its template: a {@code th:action} form would get a second
 * field from Spring Security's form processor (three pages had two, until the login page became a fixed page).
 */
class PageTemplatesTests {

    static final Pattern POST_FORM = Pattern.compile("<form\\b([^>]*\\bmethod=\"post\"[^>]*)>(.*?)</form>",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    @Test
    void formsWhenTheyPostThenOneCsrfFieldEachAndNoProcessedAction() throws IOException {
        List<String> forms = new ArrayList<>();
        for (Resource template : new PathMatchingResourcePatternResolver().getResources("classpath*:/templates/**/*.html")) {
            String html = template.getContentAsString(StandardCharsets.UTF_8);
            Matcher form = POST_FORM.matcher(html);
            while (form.find()) {
                String where = template.getFilename() + ": <form" + form.group(1) + ">";
                forms.add(where);
                assertThat(form.group(1)).as(where).doesNotContain("th:action");
                assertThat(Pattern.compile("name=\"_csrf\"").matcher(form.group(2)).results().count()).as(where)
                        .isEqualTo(1);
            }
        }
        assertThat(forms).as("the forms found").hasSizeGreaterThan(15);
    }
}
