package dev.retention.workflows.common;

import dev.retention.workflows.ports.BackendActivities;
import dev.retention.workflows.ports.CrmActivities;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.OfferActivities;
import dev.retention.workflows.ports.SendingRulesActivities;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** The timeouts and retry policies of the playbooks' activities, chosen once for all of them. */
public final class ActivityPolicies {

  /**
   * Email: bounded retries. A provider outage longer than this surfaces as a FAILED step with a CSM
   * task instead of an email going out days late.
   */
  static final ActivityOptions EMAIL =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(2))
                  .setBackoffCoefficient(2)
                  .setMaximumInterval(Duration.ofMinutes(2))
                  .setMaximumAttempts(6)
                  .setDoNotRetry(FailureType.names())
                  .build())
          .build();

  /**
   * CRM and ledger writes go to our own database: retried until it is back (with backoff), because
   * dropping a task or an outcome would lose work silently.
   */
  static final ActivityOptions DATABASE =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(15))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2)
                  .setMaximumInterval(Duration.ofMinutes(5))
                  .setDoNotRetry(FailureType.names())
                  .build())
          .build();

  private ActivityPolicies() {}

  /**
   * The stubs of one run. {@code onStop} is what a stopped run does with the activity in flight:
   * runs started since {@link RunVersions#RESHAPED} abandon it ({@code ABANDON}: no cancel request
   * that can strand the run, and none of our activities heartbeats to hear one anyway); older runs
   * keep the {@code TRY_CANCEL} they were started with.
   */
  static RunActivities forRun(ActivityCancellationType onStop) {
    ActivityOptions email = ActivityOptions.newBuilder(EMAIL).setCancellationType(onStop).build();
    ActivityOptions database =
        ActivityOptions.newBuilder(DATABASE).setCancellationType(onStop).build();
    return new RunActivities(
        Workflow.newActivityStub(EmailActivities.class, email),
        Workflow.newActivityStub(CrmActivities.class, database),
        Workflow.newActivityStub(SendingRulesActivities.class, database),
        Workflow.newActivityStub(LedgerActivities.class, database),
        Workflow.newActivityStub(BackendActivities.class, database),
        Workflow.newActivityStub(OfferActivities.class, database));
  }

  /** A run's activity stubs. */
  public record RunActivities(
      EmailActivities email,
      CrmActivities crm,
      SendingRulesActivities sendingRules,
      LedgerActivities ledger,
      BackendActivities backend,
      OfferActivities offers) {}
}
