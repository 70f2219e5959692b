package dev.retention.api.meetings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Calendly's signature scheme against a fixed clock, without Spring. */
class CalendlySignatureTest {

  private static final Instant NOW = Instant.parse("2026-12-06T18:00:00Z");
  private static final byte[] BODY =
      "{\"event\":\"invitee.created\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8);

  /**
   * Worked out with openssl, not with the code under test: {@code printf '%s' "1796580000.$BODY" |
   * openssl dgst -sha256 -hmac test-key} (1796580000 is NOW).
   */
  private static final String SIGNED_AT_NOW =
      "t=1796580000,v1=31c320d169a356b25ebe5b710565802fdb8d8afb3d945dd840047e6b66811cef";

  private final CalendlySignature signature =
      new CalendlySignature(
          new CalendlySettings("test-key", null), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void withoutASigningKey_everyDeliveryIsRefused_sayingSo() {
    CalendlySignature unset =
        new CalendlySignature(new CalendlySettings(" ", null), Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(unset.configured()).isFalse();
    assertThat(unset.problem(BODY, SIGNED_AT_NOW))
        .contains("retention.calendly.signing-key is not set");
  }

  @Test
  void theSignatureOfOpenssl_isAccepted_withinThreeMinutes_andNotAfter() {
    assertThat(signature.problem(BODY, SIGNED_AT_NOW)).isNull();
    Clock later = Clock.fixed(NOW.plus(Duration.ofMinutes(3)), ZoneOffset.UTC);
    assertThat(
            new CalendlySignature(new CalendlySettings("test-key", null), later)
                .problem(BODY, SIGNED_AT_NOW))
        .isNull();
    Clock tooLate = Clock.fixed(NOW.plus(Duration.ofMinutes(3)).plusSeconds(1), ZoneOffset.UTC);
    assertThat(
            new CalendlySignature(new CalendlySettings("test-key", null), tooLate)
                .problem(BODY, SIGNED_AT_NOW))
        .contains("more than 180 seconds old");
    Clock early = Clock.fixed(NOW.minus(Duration.ofMinutes(2)), ZoneOffset.UTC);
    assertThat(
            new CalendlySignature(new CalendlySettings("test-key", null), early)
                .problem(BODY, SIGNED_AT_NOW))
        .contains("in the future");
  }

  @Test
  void anyOfSeveralV1Signatures_mayMatch_andOddHeadersAreRefused() {
    String v1 = SIGNED_AT_NOW.substring(SIGNED_AT_NOW.indexOf("v1="));
    assertThat(signature.problem(BODY, "t=1796580000,v1=00ff," + v1)).isNull();
    assertThat(signature.problem(BODY, "t=1796580000,v1=zz")).contains("does not match");
    assertThat(signature.problem(BODY, "garbage")).contains("must hold");
    assertThat(signature.problem(BODY, "t=99999999999999999999," + v1)).contains("Unix time");
    assertThat(signature.problem(null, SIGNED_AT_NOW)).contains("required");
  }
}
