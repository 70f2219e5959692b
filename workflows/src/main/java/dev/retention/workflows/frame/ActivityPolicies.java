package dev.retention.workflows.frame;

import dev.retention.workflows.ports.BackendActivities;
import dev.retention.workflows.ports.CrmActivities;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.OfferActivities;
import dev.retention.workflows.ports.SendingRulesActivities;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
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

  /**
   * The ledger's writes as local activities (runs since {@link RunVersions#LOCAL_LEDGER}): the same
   * attempt timeout and backoff as {@link #DATABASE}, retried by the worker within the workflow
   * task for up to a minute (the SDK retries a local activity only within a schedule-to-close
   * timeout). A write that still fails then goes as a {@link #DATABASE} activity, retried until the
   * database is back, as before. Their input stays out of the marker: replay needs only that the
   * write was done, and the history stays small.
   */
  static final LocalActivityOptions LOCAL_DATABASE =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(DATABASE.getStartToCloseTimeout())
          .setScheduleToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(DATABASE.getRetryOptions())
          .setDoNotIncludeArgumentsIntoMarker(true)
          .build();

  private ActivityPolicies() {}

  /**
   * The stubs of a run playing in frame {@code version} ({@link RunVersions}). What a stopped run
   * does with the activity in flight: runs started since {@link RunVersions#RESHAPED} abandon it
   * ({@code ABANDON}: no cancel request that can strand the run, and none of our activities
   * heartbeats to hear one anyway); older runs keep the {@code TRY_CANCEL} they were started with.
   * Runs started since {@link RunVersions#READABLE} name each activity after the playbook step it
   * serves; since {@link RunVersions#STOP_WINS} none is scheduled once the run knows it was
   * stopped; since {@link RunVersions#LOCAL_LEDGER} the ledger's writes are local activities.
   */
  static RunActivities forFrame(int version) {
    ActivityCancellationType onStop =
        version >= RunVersions.RESHAPED
            ? ActivityCancellationType.ABANDON
            : ActivityCancellationType.TRY_CANCEL;
    ActivityOptions email = ActivityOptions.newBuilder(EMAIL).setCancellationType(onStop).build();
    ActivityOptions database =
        ActivityOptions.newBuilder(DATABASE).setCancellationType(onStop).build();
    return new RunActivities(
        email,
        database,
        version >= RunVersions.READABLE,
        version >= RunVersions.STOP_WINS,
        version >= RunVersions.LOCAL_LEDGER);
  }

  /**
   * A run's activity stubs. Each accessor takes the summary the Temporal UI and CLI show for the
   * call (a step name such as {@code day-3-email}: ids and step names only, never personal data);
   * runs started before {@link RunVersions#READABLE} get the same stubs without one. In runs
   * started since {@link RunVersions#STOP_WINS} an accessor called after the run learnt it was
   * stopped throws the stop ({@link CanceledFailure}) instead of answering: nothing more is
   * scheduled but the closing write, made in a detached scope.
   */
  public static final class RunActivities {

    private final ActivityOptions email;
    private final ActivityOptions database;
    private final boolean summaries;
    private final boolean noStepAfterStop;
    private final boolean localLedger;
    private final EmailActivities plainEmail;
    private final CrmActivities plainCrm;
    private final SendingRulesActivities plainSendingRules;
    private final LedgerActivities plainLedger;
    private final BackendActivities plainBackend;
    private final OfferActivities plainOffers;

    private RunActivities(
        ActivityOptions email,
        ActivityOptions database,
        boolean summaries,
        boolean noStepAfterStop,
        boolean localLedger) {
      this.email = email;
      this.database = database;
      this.summaries = summaries;
      this.noStepAfterStop = noStepAfterStop;
      this.localLedger = localLedger;
      this.plainEmail = Workflow.newActivityStub(EmailActivities.class, email);
      this.plainCrm = Workflow.newActivityStub(CrmActivities.class, database);
      this.plainSendingRules = Workflow.newActivityStub(SendingRulesActivities.class, database);
      this.plainLedger = Workflow.newActivityStub(LedgerActivities.class, database);
      this.plainBackend = Workflow.newActivityStub(BackendActivities.class, database);
      this.plainOffers = Workflow.newActivityStub(OfferActivities.class, database);
    }

    public EmailActivities email(String summary) {
      stopped();
      return summaries ? stub(EmailActivities.class, email, summary) : plainEmail;
    }

    public CrmActivities crm(String summary) {
      stopped();
      return summaries ? stub(CrmActivities.class, database, summary) : plainCrm;
    }

    public SendingRulesActivities sendingRules(String summary) {
      stopped();
      return summaries ? stub(SendingRulesActivities.class, database, summary) : plainSendingRules;
    }

    public LedgerActivities ledger(String summary) {
      stopped();
      LedgerActivities remote =
          summaries ? stub(LedgerActivities.class, database, summary) : plainLedger;
      if (!localLedger) {
        return remote;
      }
      LedgerActivities local =
          Workflow.newLocalActivityStub(
              LedgerActivities.class,
              LocalActivityOptions.newBuilder(LOCAL_DATABASE).setSummary(summary).build());
      return update -> {
        try {
          local.record(update);
        } catch (ActivityFailure failure) {
          if (failure.getRetryState() != RetryState.RETRY_STATE_TIMEOUT
              || CancellationScope.current().isCancelRequested()) {
            // Refused (as a remote write would have been), or the run is being stopped.
            throw failure;
          }
          // The database stayed away for the local activity's minute: wait for it durably.
          remote.record(update);
        }
      };
    }

    public BackendActivities backend(String summary) {
      stopped();
      return summaries ? stub(BackendActivities.class, database, summary) : plainBackend;
    }

    public OfferActivities offers(String summary) {
      stopped();
      return summaries ? stub(OfferActivities.class, database, summary) : plainOffers;
    }

    /**
     * Throws the stop when the current scope was cancelled: the SDK would still schedule an
     * activity asked for now (an abandoned one even runs), though the run is ending.
     */
    private void stopped() {
      if (noStepAfterStop && CancellationScope.current().isCancelRequested()) {
        throw new CanceledFailure("the run was stopped: no step is taken after the stop");
      }
    }

    private static <T> T stub(Class<T> type, ActivityOptions options, String summary) {
      return Workflow.newActivityStub(
          type, ActivityOptions.newBuilder(options).setSummary(summary).build());
    }
  }
}
