package fr.ameli.idp.captcha;

/**
 * The test-only seam of the captcha: a flow test cannot read the image, so it asks for the answer of the challenge
 * its browser holds (by the handle in the browser's cookie). Lives in the test sources only; production exposes
 * the answer to nobody but the image and audio renderers.
 */
public final class CaptchaTestSupport {

    private CaptchaTestSupport() {
    }

    public static String answer(CaptchaChallenges challenges, String handle) {
        String answer = challenges.answer(handle).block();
        if (answer == null) {
            throw new AssertionError("no live captcha challenge for this browser");
        }
        return answer;
    }
}
