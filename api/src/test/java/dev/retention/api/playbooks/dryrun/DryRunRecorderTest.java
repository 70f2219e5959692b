package dev.retention.api.playbooks.dryrun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.sendingrules.SendingRules;
import dev.retention.activities.sendingrules.SendingRulesActivitiesImpl;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import dev.retention.workflows.ports.SendSlot;
import dev.retention.workflows.ports.SendSlotRequest;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The recorder's send slots: found in the customer's business hours on the wall clock, though the
 * environment's clock is elsewhere (a warm environment has played other runs), and answered on the
 * environment's clock; one email a day within the dry-run.
 */
class DryRunRecorderTest {

  /** A Sunday afternoon: the first business moment in Amsterdam is Monday 09:00 (08:00 UTC). */
  private static final Instant NOW = Instant.parse("2026-12-06T15:03:00Z");

  /** Where the environment's clock stands: years ahead, after many dry-runs. */
  private static final long ENV_START = Instant.parse("2031-05-01T00:00:00Z").toEpochMilli();

  private static final Customer CUSTOMER =
      new Customer(
          "c-42",
          "Globex",
          "ops@globex.example",
          "petra",
          "Growth",
          BigDecimal.TEN,
          100,
          "Europe/Amsterdam",
          "nl");

  private final AtomicLong envNow = new AtomicLong(ENV_START);

  private final DryRunRecorder recorder =
      new DryRunRecorder(
          new DryRunRecorder.Services(
              null,
              null,
              null,
              null,
              null,
              new SendingRulesActivitiesImpl(null, null, SendingRules.defaults(), null)),
          CUSTOMER,
          new Csm("petra", "Petra de Vries", "petra@example.com", "lena@example.com"),
          ENV_START,
          NOW,
          Duration.ofDays(1),
          envNow::get);

  private static Instant env(Instant real) {
    return Instant.ofEpochMilli(ENV_START + Duration.between(NOW, real).toMillis());
  }

  @Test
  void aSlotIsInTheCustomersBusinessHours_onTheWallClock() {
    SendSlot slot =
        recorder.reserveSendSlot(
            new SendSlotRequest("w", "day-1-email", "c-42", Instant.ofEpochMilli(ENV_START), true));

    assertThat(slot.at()).isEqualTo(env(Instant.parse("2026-12-07T08:00:00Z")));
    assertThat(slot.waitingFor()).isEqualTo("business hours (Europe/Amsterdam)");
  }

  @Test
  void aSecondEmailTheSameDay_waitsForTheNextBusinessDay() {
    Instant mondayNoon = env(Instant.parse("2026-12-07T11:00:00Z"));
    SendSlot first =
        recorder.reserveSendSlot(new SendSlotRequest("w", "a", "c-42", mondayNoon, true));
    SendSlot second =
        recorder.reserveSendSlot(new SendSlotRequest("w", "b", "c-42", mondayNoon, true));

    assertThat(first.at()).isEqualTo(mondayNoon);
    assertThat(first.waitingFor()).isNull();
    assertThat(second.at()).isEqualTo(env(Instant.parse("2026-12-08T08:00:00Z")));
    assertThat(second.waitingFor()).contains("daily email cap");
  }
}
