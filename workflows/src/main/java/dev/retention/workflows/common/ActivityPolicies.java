package dev.retention.workflows.common;

import dev.retention.workflows.ports.BackendActivities;
import dev.retention.workflows.ports.CrmActivities;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.OfferActivities;
import dev.retention.workflows.ports.SendingRulesActivities;
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

  static EmailActivities email() {
    return Workflow.newActivityStub(EmailActivities.class, EMAIL);
  }

  static CrmActivities crm() {
    return Workflow.newActivityStub(CrmActivities.class, DATABASE);
  }

  static SendingRulesActivities sendingRules() {
    return Workflow.newActivityStub(SendingRulesActivities.class, DATABASE);
  }

  public static BackendActivities backend() {
    return Workflow.newActivityStub(BackendActivities.class, DATABASE);
  }

  public static OfferActivities offers() {
    return Workflow.newActivityStub(OfferActivities.class, DATABASE);
  }

  static LedgerActivities ledger() {
    return Workflow.newActivityStub(LedgerActivities.class, DATABASE);
  }
}
