package dev.retention.workflows;

import dev.retention.workflows.ports.BackendActivities;
import dev.retention.workflows.ports.BackendNotification;
import dev.retention.workflows.ports.CrmActivities;
import dev.retention.workflows.ports.CrmNote;
import dev.retention.workflows.ports.CrmTag;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CrmTaskReceipt;
import dev.retention.workflows.ports.CsmAlert;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.EmailFailure;
import dev.retention.workflows.ports.EmailReceipt;
import dev.retention.workflows.ports.EmailStatus;
import dev.retention.workflows.ports.ExpansionFigures;
import dev.retention.workflows.ports.ExpansionFiguresRequest;
import dev.retention.workflows.ports.FailureType;
import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.OfferActivities;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.UsageFigures;
import dev.retention.workflows.ports.UsageFiguresRequest;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-memory fakes of the playbooks' activities that record every call, with the (test server's)
 * time at which the workflow scheduled it. Thread-safe: activities run on worker threads while the
 * test thread reads. Offers answer with the fixed {@link #FIGURES}; a test can mark email steps as
 * suppressed (the provider answers {@code SKIPPED_SUPPRESSED}) and hold the next email or tag.
 */
public final class RecordingActivities
    implements EmailActivities,
        CrmActivities,
        LedgerActivities,
        BackendActivities,
        OfferActivities {

  /** What {@link #expansionFigures} answers: a starter customer whose next plan is pro. */
  private final List<Call<UsageFiguresRequest>> usageRequests = new CopyOnWriteArrayList<>();

  private volatile UsageFigures usage = UsageFigures.none();

  public static final ExpansionFigures FIGURES =
      new ExpansionFigures(
          "starter",
          "pro",
          Map.of(
              "currentPlan", "starter",
              "nextPlan", "pro",
              "roi.summary", "Pro pays for itself in 4 months",
              "roi.hoursSavedPerMonth", "32",
              "roi.firstYearPrice", "3840.00"));

  /** One call, and when the workflow scheduled it (virtual time under time skipping). */
  public record Call<T>(Instant at, T request) {}

  private final List<Call<CustomerEmail>> emails = new CopyOnWriteArrayList<>();
  private final List<Call<CsmAlert>> alerts = new CopyOnWriteArrayList<>();
  private final List<Call<EmailFailure>> emailFailures = new CopyOnWriteArrayList<>();
  private final List<Call<CrmTask>> tasks = new CopyOnWriteArrayList<>();
  private final List<Call<CrmNote>> notes = new CopyOnWriteArrayList<>();
  private final List<Call<CrmTag>> tags = new CopyOnWriteArrayList<>();
  private final List<Call<LedgerUpdate>> ledger = new CopyOnWriteArrayList<>();
  private final List<Call<BackendNotification>> backend = new CopyOnWriteArrayList<>();
  private final List<Call<ExpansionFiguresRequest>> figureRequests = new CopyOnWriteArrayList<>();
  private final Set<String> suppressedSteps = ConcurrentHashMap.newKeySet();
  private final Set<String> stoppedWorkflows = ConcurrentHashMap.newKeySet();
  private final Set<String> rejectedSteps = ConcurrentHashMap.newKeySet();
  private final Set<String> retryableFailingSteps = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> failedAttempts = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile Gate tagGate;
  private volatile Gate emailGate;
  private volatile Gate ledgerGate;
  private final AtomicLong ledgerWritesBeforeGate = new AtomicLong(-1);

  // ---- the activities ---------------------------------------------------------------------------

  @Override
  public EmailReceipt sendCustomerEmail(CustomerEmail email) {
    refuseIfStopped(email.workflowId(), email.step());
    Gate gate = emailGate;
    if (gate != null) {
      emailGate = null;
      gate.holdCaller();
    }
    if (suppressedSteps.contains(email.step())) {
      return new EmailReceipt(EmailStatus.SKIPPED_SUPPRESSED, null, null);
    }
    if (retryableFailingSteps.contains(email.step())) {
      failedAttempts.computeIfAbsent(email.step(), s -> new AtomicLong()).incrementAndGet();
      throw ApplicationFailure.newFailure("the provider answered 500", "RetryableEmailFailure");
    }
    if (rejectedSteps.contains(email.step())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the provider rejected the email", FailureType.EMAIL_REJECTED.name());
    }
    emails.add(new Call<>(scheduledAt(), email));
    return new EmailReceipt(
        EmailStatus.SENT, "Subject of " + email.template(), "msg-" + ids.incrementAndGet());
  }

  @Override
  public EmailReceipt sendCsmAlert(CsmAlert alert) {
    refuseIfStopped(alert.workflowId(), alert.step());
    alerts.add(new Call<>(scheduledAt(), alert));
    return new EmailReceipt(
        EmailStatus.SENT, "Alert " + alert.template(), "msg-" + ids.incrementAndGet());
  }

  @Override
  public void recordFailure(EmailFailure failure) {
    emailFailures.add(new Call<>(scheduledAt(), failure));
  }

  @Override
  public CrmTaskReceipt createTask(CrmTask task) {
    tasks.add(new Call<>(scheduledAt(), task));
    return new CrmTaskReceipt(
        ids.incrementAndGet(), task.assignee().name().toLowerCase(Locale.ROOT));
  }

  @Override
  public void addNote(CrmNote note) {
    notes.add(new Call<>(scheduledAt(), note));
  }

  @Override
  public void addTag(CrmTag tag) {
    Gate gate = tagGate;
    if (gate != null) {
      tagGate = null;
      gate.holdCaller();
    }
    tags.add(new Call<>(scheduledAt(), tag));
  }

  @Override
  public void record(LedgerUpdate update) {
    Gate gate = ledgerGate;
    if (gate != null && ledgerWritesBeforeGate.getAndDecrement() == 0) {
      ledgerGate = null;
      gate.holdCaller();
    }
    ledger.add(new Call<>(scheduledAt(), update));
  }

  @Override
  public void notifyBackend(BackendNotification notification) {
    backend.add(new Call<>(scheduledAt(), notification));
  }

  @Override
  public ExpansionFigures expansionFigures(ExpansionFiguresRequest request) {
    figureRequests.add(new Call<>(scheduledAt(), request));
    return FIGURES;
  }

  @Override
  public UsageFigures usageFigures(UsageFiguresRequest request) {
    usageRequests.add(new Call<>(scheduledAt(), request));
    return usage;
  }

  /** What {@link #usageFigures} answers from now on (no metrics at first). */
  public void usage(UsageFigures figures) {
    this.usage = figures;
  }

  public List<Call<UsageFiguresRequest>> usageRequests() {
    return List.copyOf(usageRequests);
  }

  /**
   * As the email activity does: a run recorded stopped before its step claimed the email gets
   * nothing sent (an email held at the provider's gate had claimed it before).
   */
  private void refuseIfStopped(String workflowId, String step) {
    if (stoppedWorkflows.contains(workflowId)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the run was stopped before step " + step + ": nothing is sent",
          FailureType.RUN_CANCELLED.name());
    }
  }

  private static Instant scheduledAt() {
    return Instant.ofEpochMilli(
        Activity.getExecutionContext().getInfo().getCurrentAttemptScheduledTimestamp());
  }

  // ---- what the tests read ----------------------------------------------------------------------

  public List<Call<CustomerEmail>> emails() {
    return List.copyOf(emails);
  }

  public List<String> emailTemplates() {
    return emails.stream().map(c -> c.request().template()).toList();
  }

  /** The email steps that went out (suppressed ones are not sent, so not listed). */
  public List<String> emailSteps() {
    return emails.stream().map(c -> c.request().step()).toList();
  }

  /** The email steps the run marked failed, in order. */
  public List<String> failedEmailSteps() {
    return emailFailures.stream().map(c -> c.request().step()).toList();
  }

  public List<Call<CsmAlert>> alerts() {
    return List.copyOf(alerts);
  }

  public List<Call<CrmTask>> tasks() {
    return List.copyOf(tasks);
  }

  public List<String> taskSteps() {
    return tasks.stream().map(c -> c.request().step()).toList();
  }

  public List<Call<CrmNote>> notes() {
    return List.copyOf(notes);
  }

  public List<String> tagNames() {
    return tags.stream().map(c -> c.request().tag()).toList();
  }

  public List<Call<BackendNotification>> backendNotifications() {
    return List.copyOf(backend);
  }

  public List<Call<ExpansionFiguresRequest>> figureRequests() {
    return List.copyOf(figureRequests);
  }

  public List<Call<LedgerUpdate>> ledger() {
    return List.copyOf(ledger);
  }

  /** The run as the projection last saw it. */
  public RunSnapshot lastSnapshot() {
    List<Call<LedgerUpdate>> all = ledger();
    if (all.isEmpty()) {
      throw new AssertionError("nothing was written to the ledger");
    }
    return all.getLast().request().run();
  }

  /**
   * The run as the projection shows it after every write so far, by the projection's rule: a
   * snapshot updates the row until one closes it; later writes (an activity that was in flight when
   * the run was stopped) never reopen it.
   */
  public RunSnapshot projection() {
    RunSnapshot row = null;
    for (Call<LedgerUpdate> call : ledger()) {
      if (row == null || row.closedAt() == null) {
        row = call.request().run();
      }
    }
    if (row == null) {
      throw new AssertionError("nothing was written to the ledger");
    }
    return row;
  }

  // ---- holding an activity ----------------------------------------------------------------------

  /** Holds the next {@code addTag} call until the returned gate is opened. */
  public Gate holdNextTag() {
    Gate gate = new Gate();
    tagGate = gate;
    return gate;
  }

  /**
   * Holds the {@code n}-th ledger write from now (1 for the next) until the returned gate is
   * opened; the writes before it go through.
   */
  public Gate holdLedgerWrite(int n) {
    Gate gate = new Gate();
    ledgerWritesBeforeGate.set(n - 1);
    ledgerGate = gate;
    return gate;
  }

  /** Holds the next {@code sendCustomerEmail} call until the returned gate is opened. */
  public Gate holdNextEmail() {
    Gate gate = new Gate();
    emailGate = gate;
    return gate;
  }

  // ---- a stopped run ----------------------------------------------------------------------------

  /**
   * Records the run as stopped, as {@code DELETE /api/playbooks/{id}} does before it answers: from
   * now on its emails that have not been claimed are refused ({@code RUN_CANCELLED}).
   */
  public void recordStop(String workflowId) {
    stoppedWorkflows.add(workflowId);
  }

  // ---- suppression ------------------------------------------------------------------------------

  /**
   * The provider answers {@code SKIPPED_SUPPRESSED} for these email steps (as for a customer who
   * unsubscribed, bounced or complained by then); nothing is sent.
   */
  public void suppressSteps(String... steps) {
    suppressedSteps.addAll(List.of(steps));
  }

  /** The provider rejects these email steps for good (as after its retries ran out). */
  public void rejectSteps(String... steps) {
    rejectedSteps.addAll(List.of(steps));
  }

  /** The provider fails every attempt at these email steps with a retryable error (a 500). */
  public void failStepsRetryably(String... steps) {
    retryableFailingSteps.addAll(List.of(steps));
  }

  /** How many attempts at the step failed so far. */
  public int failedAttempts(String step) {
    AtomicLong attempts = failedAttempts.get(step);
    return attempts == null ? 0 : (int) attempts.get();
  }

  /** Waits (real time) until at least {@code attempts} attempts at the step failed. */
  public void awaitFailedAttempts(String step, int attempts, java.time.Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (failedAttempts(step) < attempts) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + attempts + " failed attempts at " + step);
      }
      Thread.sleep(20);
    }
  }

  /** Waits (real time) until {@code count} timeline entries of {@code step} were written. */
  public void awaitLedgerEntries(String step, int count, java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (ledger.stream()
            .flatMap(c -> c.request().allEntries().stream())
            .filter(e -> e.key().startsWith(step + "#"))
            .count()
        < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(count + " ledger entries of " + step + " were never written");
      }
      Thread.onSpinWait();
    }
  }

  /** Lets a test act while an activity is in flight. */
  public static final class Gate {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    void holdCaller() {
      entered.countDown();
      try {
        if (!opened.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Waits (real time) until the held activity has been called. */
    public void awaitEntered() throws InterruptedException {
      if (!entered.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the held activity was never called");
      }
    }

    public void open() {
      opened.countDown();
    }
  }
}
