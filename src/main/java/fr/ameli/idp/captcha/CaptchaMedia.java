package fr.ameli.idp.captcha;

import java.awt.Color;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import net.logicsquad.nanocaptcha.audio.AudioCaptcha;
import net.logicsquad.nanocaptcha.audio.Sample;
import net.logicsquad.nanocaptcha.audio.noise.RandomNoiseProducer;
import net.logicsquad.nanocaptcha.image.ImageCaptcha;
import net.logicsquad.nanocaptcha.image.backgrounds.GradiatedBackgroundProducer;
import net.logicsquad.nanocaptcha.image.noise.CurvedLineNoiseProducer;
import net.logicsquad.nanocaptcha.image.renderer.DefaultWordRenderer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Draws and speaks a challenge with NanoCaptcha (a maintained library, no network, BSD licence). Both are CPU
 * work (Java2D, audio mixing) and read the library's fonts and noise clips from its jar: they run on
 * {@link Schedulers#boundedElastic()}, never on an event loop. The French voice clips are read once, here.
 */
@Component
class CaptchaMedia {

    private static final int WIDTH = 240;
    private static final int HEIGHT = 70;

    private final Map<Character, byte[]> voice = new HashMap<>();
    private final Scheduler scheduler = Schedulers.boundedElastic();

    CaptchaMedia() {
        // No temporary files for PNG encoding; AWT without a display.
        ImageIO.setUseCache(false);
        for (char c : CaptchaChallenges.ALPHABET.toCharArray()) {
            try (InputStream clip = CaptchaMedia.class.getResourceAsStream("/captcha/fr/" + c + ".wav")) {
                if (clip == null) {
                    throw new IllegalStateException("captcha voice clip missing for " + c);
                }
                voice.put(c, clip.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Mono<byte[]> png(String answer) {
        return Mono.fromCallable(() -> {
            ImageCaptcha captcha = new ImageCaptcha.Builder(WIDTH, HEIGHT)
                    .addBackground(new GradiatedBackgroundProducer(new Color(0xE8EEF8), Color.WHITE))
                    .addContent(() -> answer, new DefaultWordRenderer.Builder()
                            .randomColor(new Color(0x0C419A), new Color(0x222222), new Color(0x8A1C1C))
                            .build())
                    .addNoise(new CurvedLineNoiseProducer(new Color(0x0C419A), 2.0f))
                    .addBorder()
                    .build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(captcha.getImage(), "png", out);
            return out.toByteArray();
        }).subscribeOn(scheduler);
    }

    Mono<byte[]> wav(String answer) {
        return Mono.fromCallable(() -> {
            AudioCaptcha captcha = new AudioCaptcha.Builder()
                    .addContent(() -> answer)
                    .addVoice(c -> new Sample(new ByteArrayInputStream(voice.get(c))))
                    .addNoise(new RandomNoiseProducer())
                    .build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (AudioInputStream audio = captcha.getAudio().getAudioInputStream()) {
                AudioSystem.write(audio, AudioFileFormat.Type.WAVE, out);
            }
            return out.toByteArray();
        }).subscribeOn(scheduler);
    }
}
