package fr.ameli.idp.web;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * The server's codecs, listed once. Spring's {@link ServerCodecConfigurer} builds its list of readers anew at each
 * call (every reader configured again), and every exchange that posts a form asks for it to find the form reader:
 * the token endpoint and the login form, on each request. A JFR profile of the SSO flow (issue 11) put 2 % of its
 * event loops' samples there. The codecs are configured once, when the configurer bean is made (Boot's customizers,
 * {@code spring.codec.*}); the lists are kept from the first call on, and made again after anything asks for the
 * configurer's codecs to change them.
 */
@Configuration(proxyBeanMethods = false)
class FixedCodecs {

    @Bean
    static BeanPostProcessor fixedCodecLists() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof ServerCodecConfigurer codecs && !(bean instanceof Listed)
                        && WebHttpHandlerBuilder.SERVER_CODEC_CONFIGURER_BEAN_NAME.equals(name) ? new Listed(codecs) : bean;
            }
        };
    }

    /** A configurer whose reader and writer lists are made once, until its codecs are asked for again. */
    static final class Listed implements ServerCodecConfigurer {

        private record Lists(List<HttpMessageReader<?>> readers, List<HttpMessageWriter<?>> writers) {
        }

        private final ServerCodecConfigurer codecs;
        private volatile @Nullable Lists lists;

        Listed(ServerCodecConfigurer codecs) {
            this.codecs = codecs;
        }

        @Override
        public List<HttpMessageReader<?>> getReaders() {
            return lists().readers();
        }

        @Override
        public List<HttpMessageWriter<?>> getWriters() {
            return lists().writers();
        }

        private Lists lists() {
            Lists listed = lists;
            if (listed == null) {
                listed = new Lists(List.copyOf(codecs.getReaders()), List.copyOf(codecs.getWriters()));
                lists = listed;
            }
            return listed;
        }

        /** Whoever asks for the codecs may change them: the lists are made again at the next call. */
        @Override
        public ServerDefaultCodecs defaultCodecs() {
            forget();
            return codecs.defaultCodecs();
        }

        @Override
        public CustomCodecs customCodecs() {
            forget();
            return codecs.customCodecs();
        }

        @Override
        public void registerDefaults(boolean registerDefaults) {
            forget();
            codecs.registerDefaults(registerDefaults);
        }

        /** A copy to configure apart, as Spring's is: not listed. */
        @Override
        public ServerCodecConfigurer clone() {
            return codecs.clone();
        }

        private void forget() {
            lists = null;
        }
    }
}
