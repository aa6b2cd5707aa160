package fr.ameli.idp.web;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.codec.FormHttpMessageReader;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

@IdpIntegrationTest
class FixedCodecsTests {

    @Autowired
    @Qualifier(WebHttpHandlerBuilder.SERVER_CODEC_CONFIGURER_BEAN_NAME)
    ServerCodecConfigurer serverCodecs;

    @Test
    void getReadersWhenAskedAgainThenTheSameListAsSpringsConfigurerMakes() {
        ServerCodecConfigurer spring = ServerCodecConfigurer.create();
        FixedCodecs.Listed listed = new FixedCodecs.Listed(spring);

        List<HttpMessageReader<?>> first = listed.getReaders();

        assertThat(listed.getReaders()).isSameAs(first);
        assertThat(listed.getWriters()).isSameAs(listed.getWriters());
        assertThat(first).extracting(Object::getClass)
                .containsExactlyElementsOf(spring.getReaders().stream().<Class<?>>map(Object::getClass).toList());
        assertThat(listed.getWriters()).extracting(Object::getClass)
                .containsExactlyElementsOf(spring.getWriters().stream().<Class<?>>map(Object::getClass).toList());
    }

    @Test
    void getReadersWhenTheCodecsWereAskedForThenMadeAgainWithTheChange() {
        FixedCodecs.Listed listed = new FixedCodecs.Listed(ServerCodecConfigurer.create());
        List<HttpMessageReader<?>> before = listed.getReaders();

        listed.defaultCodecs().maxInMemorySize(1234);

        assertThat(listed.getReaders()).isNotSameAs(before);
        assertThat(formReader(listed.getReaders()).getMaxInMemorySize()).isEqualTo(1234);
        assertThat(formReader(before).getMaxInMemorySize()).isNotEqualTo(1234);
    }

    /** The configurer every exchange reads its form with is the listed one, and it holds Boot's configuration. */
    @Test
    void serverCodecConfigurerWhenTheServiceRunsThenListed() {
        assertThat(serverCodecs).isInstanceOf(FixedCodecs.Listed.class);
        assertThat(serverCodecs.getReaders()).isSameAs(serverCodecs.getReaders());
        assertThat(formReader(serverCodecs.getReaders())).isNotNull();
    }

    private static FormHttpMessageReader formReader(List<HttpMessageReader<?>> readers) {
        return readers.stream().filter(FormHttpMessageReader.class::isInstance).map(FormHttpMessageReader.class::cast)
                .findFirst().orElseThrow();
    }
}
