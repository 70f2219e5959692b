package dev.retention.activities.email.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** No control character reaches any header, whoever built the email. */
class EmailHeadersTest {

  static final OutgoingEmail GOOD = SendGridEmailProviderTest.EMAIL;

  /** Every header of an email, each with a line break (or another control character) put in. */
  static Stream<Arguments> injected() {
    return Stream.of(
        bad("subject", e -> with(e, "Can I help?\r\nBcc: all@example.com", 6)),
        bad("subject", e -> with(e, "Can I help?\u0000", 6)),
        bad("subject", e -> with(e, "Can I help?\u2028Bcc: x@example.com", 6)),
        bad("from name", e -> with(e, "Petra\nBcc: all@example.com", 1)),
        bad("from address", e -> with(e, "petra@retention.test\r\n", 2)),
        bad("reply-to", e -> with(e, "petra@retention.test\nX-Evil: 1", 3)),
        bad("to name", e -> with(e, "Acme\r\nBcc: all@example.com", 4)),
        bad("to address", e -> with(e, "ops@acme.test\u0085", 5)),
        bad("idempotency key", e -> with(e, "key\r\nX-Evil: 1", 0)),
        bad(
            "header List-Unsubscribe",
            e -> withHeaders(e, Map.of("List-Unsubscribe", "<https://x>\r\nBcc: a@b.c"))),
        bad("header name", e -> withHeaders(e, Map.of("X-Evil\r\nBcc", "a@b.c"))),
        bad("header name", e -> withHeaders(e, Map.of("X Evil:", "1"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("injected")
  void aControlCharacterInAnyHeaderIsRefusedForGood(String header, OutgoingEmail email) {
    PermanentEmailFailure refused =
        catchThrowableOfType(PermanentEmailFailure.class, () -> EmailHeaders.check(email));
    assertThat(refused).as(header).isNotNull();
    assertThat(refused.getMessage()).contains(header.startsWith("header") ? "header" : header);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("injected")
  void theLogProviderRefusesItToo(String header, OutgoingEmail email) {
    assertThat(
            catchThrowableOfType(
                PermanentEmailFailure.class, () -> new LogEmailProvider().send(email)))
        .as(header)
        .isNotNull();
  }

  @org.junit.jupiter.api.Test
  void anOrdinaryEmailPasses_andTheBodyMayHaveLineBreaks() {
    assertThat(GOOD.text()).contains("\n");
    assertThatCode(() -> EmailHeaders.check(GOOD)).doesNotThrowAnyException();
    assertThatCode(() -> EmailHeaders.check(with(GOOD, "Ünïcode — 名前 ✓", 1)))
        .doesNotThrowAnyException();
  }

  private static Arguments bad(String header, UnaryOperator<OutgoingEmail> change) {
    return Arguments.of(header, change.apply(GOOD));
  }

  /** The email with one of its single-line parts replaced (0 key, 1 from name, … 6 subject). */
  static OutgoingEmail with(OutgoingEmail e, String value, int part) {
    return new OutgoingEmail(
        part == 0 ? value : e.idempotencyKey(),
        part == 1 ? value : e.fromName(),
        part == 2 ? value : e.fromAddress(),
        part == 3 ? value : e.replyTo(),
        part == 4 ? value : e.toName(),
        part == 5 ? value : e.toAddress(),
        part == 6 ? value : e.subject(),
        e.text(),
        e.headers(),
        e.unsubscribeUrl(),
        e.html());
  }

  static OutgoingEmail withHeaders(OutgoingEmail e, Map<String, String> headers) {
    return new OutgoingEmail(
        e.idempotencyKey(),
        e.fromName(),
        e.fromAddress(),
        e.replyTo(),
        e.toName(),
        e.toAddress(),
        e.subject(),
        e.text(),
        headers,
        e.unsubscribeUrl(),
        e.html());
  }
}
