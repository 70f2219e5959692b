package dev.retention.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueuedStartRelayTest {

  @Test
  void theBackoffDoublesFromFiveSeconds_toTenMinutesAtMost() {
    assertThat(QueuedStartRelay.backoff(0)).isEqualTo(Duration.ofSeconds(5));
    assertThat(QueuedStartRelay.backoff(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(QueuedStartRelay.backoff(6)).isEqualTo(Duration.ofSeconds(320));
    assertThat(QueuedStartRelay.backoff(7)).isEqualTo(Duration.ofMinutes(10));
    assertThat(QueuedStartRelay.backoff(40)).isEqualTo(Duration.ofMinutes(10));
  }
}
