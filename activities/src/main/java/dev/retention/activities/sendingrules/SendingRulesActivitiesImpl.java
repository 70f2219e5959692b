package dev.retention.activities.sendingrules;

import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.RunCancellations;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.SendSlot;
import dev.retention.workflows.ports.SendSlotRequest;
import dev.retention.workflows.ports.SendingRulesActivities;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import io.temporal.spring.boot.ActivityImpl;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Finds, and reserves, the first moment at or after the requested one that is inside the customer's
 * business hours and on a local day without another automated email to them. The unique (customer,
 * local day) row makes two runs asking at once get different days. A stopped run reserves nothing
 * (its email will not go out): it is answered with the first business moment, no day taken.
 */
@Component
@ActivityImpl(taskQueues = "${retention.task-queue}")
public class SendingRulesActivitiesImpl implements SendingRulesActivities {

  static final int MAX_DAYS_AHEAD = 60;

  private final CustomerDirectory directory;
  private final JdbcClient jdbc;
  private final SendingRules rules;
  private final RunCancellations cancellations;

  public SendingRulesActivitiesImpl(
      CustomerDirectory directory,
      JdbcClient jdbc,
      SendingRules rules,
      RunCancellations cancellations) {
    this.directory = directory;
    this.jdbc = jdbc;
    this.rules = rules;
    this.cancellations = cancellations;
  }

  @Override
  public SendSlot reserveSendSlot(SendSlotRequest request) {
    String runId = Activity.getExecutionContext().getInfo().getWorkflowRunId();
    // Under the run's lock: a stop recorded at the same moment either comes first (nothing is
    // reserved) or releases what this reserved.
    return cancellations.unlessStopped(
        runId,
        () -> reserve(request, runId),
        () -> {
          ZoneId zone = zone(request.customerId());
          return slot(
              request.earliest(), nextBusinessMoment(request.earliest(), zone), false, zone);
        });
  }

  private SendSlot reserve(SendSlotRequest request, String runId) {
    Optional<Instant> reserved =
        jdbc.sql("select at from email_slots where run_id = :r and step = :step")
            .param("r", runId)
            .param("step", request.step())
            .query(Timestamp.class)
            .optional()
            .map(Timestamp::toInstant);
    if (reserved.isPresent()) {
      // A retry: the same slot, and the same reason (an uncapped slot is the first business
      // moment).
      ZoneId zone = zone(request.customerId());
      boolean capped = !reserved.get().equals(nextBusinessMoment(request.earliest(), zone));
      return slot(request.earliest(), reserved.get(), capped, zone);
    }
    ZoneId zone = zone(request.customerId());
    Instant candidate = request.earliest();
    boolean capped = false;
    for (int attempt = 0; attempt < MAX_DAYS_AHEAD * 2; attempt++) {
      candidate = nextBusinessMoment(candidate, zone);
      if (!request.dailyCap()) {
        return slot(request.earliest(), candidate, false, zone);
      }
      LocalDate day = candidate.atZone(zone).toLocalDate();
      int inserted =
          jdbc.sql(
                  """
                  insert into email_slots (customer_id, local_date, workflow_id, run_id, step, at)
                  values (:c, :day, :w, :r, :step, :at)
                  on conflict do nothing
                  """)
              .param("c", request.customerId())
              .param("day", Date.valueOf(day))
              .param("w", request.workflowId())
              .param("r", runId)
              .param("step", request.step())
              .param("at", Timestamp.from(candidate))
              .update();
      if (inserted == 1) {
        return slot(request.earliest(), candidate, capped, zone);
      }
      // Taken by another email to this customer that day: the next business day's opening.
      capped = true;
      candidate = day.plusDays(1).atTime(rules.businessStart()).atZone(zone).toInstant();
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "no free sending slot within " + MAX_DAYS_AHEAD + " days",
        FailureType.INVALID_REQUEST.name());
  }

  @Override
  public void releaseSendSlot(SendSlotRequest request) {
    jdbc.sql("delete from email_slots where run_id = :r and step = :step")
        .param("r", Activity.getExecutionContext().getInfo().getWorkflowRunId())
        .param("step", request.step())
        .update();
  }

  /** The first moment at or after {@code from} inside business hours in {@code zone}. */
  public Instant nextBusinessMoment(Instant from, ZoneId zone) {
    ZonedDateTime t = from.atZone(zone);
    for (int day = 0; day < 8; day++) {
      if (rules.businessDays().contains(t.getDayOfWeek())) {
        if (t.toLocalTime().isBefore(rules.businessStart())) {
          return t.toLocalDate().atTime(rules.businessStart()).atZone(zone).toInstant();
        }
        if (t.toLocalTime().isBefore(rules.businessEnd())) {
          return t.toInstant();
        }
      }
      t = t.toLocalDate().plusDays(1).atTime(rules.businessStart()).atZone(zone);
    }
    throw new IllegalStateException("no business day configured");
  }

  private SendSlot slot(Instant asked, Instant at, boolean capped, ZoneId zone) {
    if (!at.isAfter(asked)) {
      return new SendSlot(at, null);
    }
    String why =
        capped
            ? "the daily email cap (one automated email per customer per day)"
            : "business hours ("
                + rules.businessStart()
                + "-"
                + rules.businessEnd()
                + " on "
                + days()
                + ", "
                + zone
                + ")";
    return new SendSlot(at, why);
  }

  /** The business days as the state shows them: "weekdays", or e.g. "Saturday". */
  private String days() {
    if (rules.businessDays().equals(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY))) {
      return "weekdays";
    }
    return rules.businessDays().stream()
        .sorted()
        .map(day -> day.getDisplayName(TextStyle.FULL, Locale.ENGLISH))
        .collect(Collectors.joining(", "));
  }

  private ZoneId zone(String customerId) {
    Customer customer =
        directory
            .findCustomer(customerId)
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "unknown customer " + customerId, FailureType.UNKNOWN_CUSTOMER.name()));
    return ZoneId.of(customer.timezone());
  }
}
