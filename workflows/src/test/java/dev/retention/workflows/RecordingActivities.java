package dev.retention.workflows;

import dev.retention.workflows.ports.CrmActivities;
import dev.retention.workflows.ports.CrmNote;
import dev.retention.workflows.ports.CrmTag;
import dev.retention.workflows.ports.CrmTask;
import dev.retention.workflows.ports.CrmTaskReceipt;
import dev.retention.workflows.ports.CsmAlert;
import dev.retention.workflows.ports.CustomerEmail;
import dev.retention.workflows.ports.EmailActivities;
import dev.retention.workflows.ports.EmailReceipt;
import dev.retention.workflows.ports.EmailStatus;
import dev.retention.workflows.ports.LedgerActivities;
import dev.retention.workflows.ports.LedgerUpdate;
import dev.retention.workflows.ports.RunSnapshot;
import io.temporal.activity.Activity;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-memory fakes of the playbooks' activities that record every call, with the (test server's)
 * time at which the workflow scheduled it. Thread-safe: activities run on worker threads while the
 * test thread reads.
 */
public final class RecordingActivities implements EmailActivities, CrmActivities, LedgerActivities {

  /** One call, and when the workflow scheduled it (virtual time under time skipping). */
  public record Call<T>(Instant at, T request) {}

  private final List<Call<CustomerEmail>> emails = new CopyOnWriteArrayList<>();
  private final List<Call<CsmAlert>> alerts = new CopyOnWriteArrayList<>();
  private final List<Call<CrmTask>> tasks = new CopyOnWriteArrayList<>();
  private final List<Call<CrmNote>> notes = new CopyOnWriteArrayList<>();
  private final List<Call<CrmTag>> tags = new CopyOnWriteArrayList<>();
  private final List<Call<LedgerUpdate>> ledger = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile Gate tagGate;

  // ---- the activities ---------------------------------------------------------------------------

  @Override
  public EmailReceipt sendCustomerEmail(CustomerEmail email) {
    emails.add(new Call<>(scheduledAt(), email));
    return new EmailReceipt(
        EmailStatus.SENT, "Subject of " + email.template(), "msg-" + ids.incrementAndGet());
  }

  @Override
  public EmailReceipt sendCsmAlert(CsmAlert alert) {
    alerts.add(new Call<>(scheduledAt(), alert));
    return new EmailReceipt(
        EmailStatus.SENT, "Alert " + alert.template(), "msg-" + ids.incrementAndGet());
  }

  @Override
  public CrmTaskReceipt createTask(CrmTask task) {
    tasks.add(new Call<>(scheduledAt(), task));
    return new CrmTaskReceipt(ids.incrementAndGet(), task.assignee().name().toLowerCase());
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
    ledger.add(new Call<>(scheduledAt(), update));
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

  // ---- holding an activity ----------------------------------------------------------------------

  /** Holds the next {@code addTag} call until the returned gate is opened. */
  public Gate holdNextTag() {
    Gate gate = new Gate();
    tagGate = gate;
    return gate;
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
