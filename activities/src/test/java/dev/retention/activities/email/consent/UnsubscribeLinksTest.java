package dev.retention.activities.email.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class UnsubscribeLinksTest {

  private final UnsubscribeLinks links =
      new UnsubscribeLinks("links-test-secret-0123456789abcdef-0000", "http://localhost:8080");

  @Test
  void aLinkVerifiesForItsCustomerAndAddressOnly() {
    String s = links.signature("c-42", "ops@acme.test");

    assertThat(links.url("c-42", "ops@acme.test"))
        .isEqualTo("http://localhost:8080/api/unsubscribe?c=c-42&s=" + s);
    assertThat(s).matches("[A-Za-z0-9_-]{43}");
    assertThat(links.verify("c-42", "ops@acme.test", s)).isTrue();
    assertThat(links.verify("c-42", "OPS@Acme.test", s)).isTrue();
    assertThat(links.verify("c-7", "ops@acme.test", s)).isFalse();
    assertThat(links.verify("c-42", "new@acme.test", s)).isFalse();
    assertThat(links.verify("c-42", "ops@acme.test", s.substring(1) + "A")).isFalse();
    assertThat(links.verify("c-42", "ops@acme.test", null)).isFalse();
  }

  @Test
  void anotherSecretMakesAnotherSignature() {
    UnsubscribeLinks other =
        new UnsubscribeLinks("another-secret-0123456789abcdef-000000", "http://localhost:8080");

    assertThat(other.verify("c-42", "ops@acme.test", links.signature("c-42", "ops@acme.test")))
        .isFalse();
  }

  @Test
  void aShortSecretIsRefused() {
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class,
                () -> new UnsubscribeLinks("short", "http://localhost:8080")))
        .hasMessageContaining("at least 32");
  }

  @Test
  void theHeadersAreTheRfc8058Pair() {
    assertThat(UnsubscribeLinks.headers("https://x.test/api/unsubscribe?c=1&s=2"))
        .containsExactly(
            java.util.Map.entry("List-Unsubscribe", "<https://x.test/api/unsubscribe?c=1&s=2>"),
            java.util.Map.entry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
  }
}
