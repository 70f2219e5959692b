package dev.retention.api.connectors.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.connectors.slack.SlackSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Slack's request signing, with the example from Slack's "Verifying requests from Slack" page: the
 * secret, timestamp and body given there produce the signature given there.
 */
class SlackSignatureTest {

  private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String TIMESTAMP = "1531420618";
  private static final byte[] BODY =
      ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
              + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
              + "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554"
              + "%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447"
              + "fce8b6703c")
          .getBytes(StandardCharsets.UTF_8);
  private static final String SIGNATURE =
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

  private static SlackSignature at(Instant now, String secret) {
    SlackSettings settings =
        new SlackSettings(
            "xoxb-x", secret, null, null, null, null, null, null, null, null, null, null, null);
    return new SlackSignature(settings, Clock.fixed(now, ZoneOffset.UTC));
  }

  private static final Instant SENT = Instant.ofEpochSecond(Long.parseLong(TIMESTAMP));

  @Test
  void slacksOwnExample_verifies_withinFiveMinutes() {
    assertThat(at(SENT.plusSeconds(60), SECRET).problem(BODY, TIMESTAMP, SIGNATURE)).isNull();
    assertThat(at(SENT.plus(Duration.ofMinutes(5)), SECRET).problem(BODY, TIMESTAMP, SIGNATURE))
        .isNull();
  }

  @Test
  void aStaleOrFutureTimestamp_aChangedBody_orAnotherSecret_isRefused() {
    assertThat(at(SENT.plusSeconds(301), SECRET).problem(BODY, TIMESTAMP, SIGNATURE))
        .contains("stale");
    assertThat(at(SENT.minusSeconds(301), SECRET).problem(BODY, TIMESTAMP, SIGNATURE))
        .contains("stale");
    byte[] changed = BODY.clone();
    changed[changed.length - 1] = 'd';
    assertThat(at(SENT, SECRET).problem(changed, TIMESTAMP, SIGNATURE)).contains("does not match");
    assertThat(at(SENT, "another-secret").problem(BODY, TIMESTAMP, SIGNATURE))
        .contains("does not match");
    assertThat(at(SENT, SECRET).problem(BODY, TIMESTAMP, "a2114d57")).contains("v0=");
    assertThat(at(SENT, SECRET).problem(BODY, TIMESTAMP, "v0=zz")).contains("v0=");
    assertThat(at(SENT, SECRET).problem(BODY, "yesterday", SIGNATURE)).contains("Unix time");
    assertThat(at(SENT, SECRET).problem(BODY, null, SIGNATURE)).contains("required");
    assertThat(at(SENT, null).problem(BODY, TIMESTAMP, SIGNATURE))
        .contains("retention.slack.signing-secret is not set");
  }
}
