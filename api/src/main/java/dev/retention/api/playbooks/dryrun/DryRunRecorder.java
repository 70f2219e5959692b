package dev.retention.api.playbooks.dryrun;

import dev.retention.activities.email.EmailComposer;
import dev.retention.activities.email.templates.TemplateException;
import dev.retention.activities.offers.OfferActivitiesImpl;
import dev.retention.activities.sendingrules.SendingRulesActivitiesImpl;
import dev.retention.api.playbooks.dryrun.DryRunTimeline.Email;
import dev.retention.api.playbooks.dryrun.DryRunTimeline.Entry;
import dev.retention.api.playbooks.dryrun.DryRunTimeline.Kind;
import dev.retention.api.playbooks.dryrun.DryRunTimeline.Task;
import dev.retention.api.playbooks.dryrun.DryRunTimeline.Wait;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.email.Communications;
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
import dev.retention.workflows.ports.PrivacyActivities;
import dev.retention.workflows.ports.PurgeReport;
import dev.retention.workflows.ports.PurgeRequest;
import dev.retention.workflows.ports.RunSnapshot;
import dev.retention.workflows.ports.SendSlot;
import dev.retention.workflows.ports.SendSlotRequest;
import dev.retention.workflows.ports.SendingRulesActivities;
import dev.retention.workflows.ports.TaskAssignee;
import dev.retention.workflows.ports.TimelineEntry;
import dev.retention.workflows.ports.UsageFigures;
import dev.retention.workflows.ports.UsageFiguresRequest;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Every port of the playbooks for one dry-run, recording instead of acting: no email is sent, no
 * CRM, ledger or slot row written, no backend called. What it records is what the real activities
 * would do for this customer: each email rendered by the app's own {@link EmailComposer} (subject
 * and text in the customer's language, from their CSM, to their primary contact), each task with
 * its assignee's address, the offer figures from the customer's own data ({@link
 * OfferActivitiesImpl}, which only reads), and, when the run follows the sending rules, the send
 * slot in the customer's business hours. Reads only.
 *
 * <p>The environment's clock is not the wall clock (a warm environment has played other runs
 * before): a moment on it maps to the wall clock as {@code realStart + (t - envStart)}, and moments
 * in email variables (an offer's end, a decision deadline) are mapped so before rendering.
 */
final class DryRunRecorder
    implements EmailActivities,
        CrmActivities,
        LedgerActivities,
        SendingRulesActivities,
        BackendActivities,
        OfferActivities,
        PrivacyActivities {

  /** What the recorder reads with: the app's own beans, each used read-only. */
  record Services(
      CustomerDirectory directory,
      EmailComposer composer,
      Communications communications,
      CrmTasks tasks,
      OfferActivitiesImpl offers,
      SendingRulesActivitiesImpl sendingRules) {}

  /** Where the unsubscribe link of a customer email stands in the answer: it is the customer's. */
  static final String UNSUBSCRIBE_PLACEHOLDER = "{unsubscribe link}";

  private record Recorded(long at, long seq, Entry entry) {}

  private final Services services;
  private final Customer customer;
  private final Csm csm;
  private final boolean warmUp;
  private final long envStart;
  private final Instant realStart;
  private final Duration dayLength;
  private final LongSupplier envNow;
  private final AtomicLong seq = new AtomicLong();
  private final List<Recorded> recorded = new ArrayList<>();
  private final Set<LocalDate> slotDays = new HashSet<>();

  /** Why a step's email waits for its send slot, by step. */
  private final Map<String, String> slotReasons = new HashMap<>();

  private final AtomicLong taskIds = new AtomicLong();
  private RunSnapshot last;

  DryRunRecorder(
      Services services,
      Customer customer,
      Csm csm,
      long envStart,
      Instant realStart,
      Duration dayLength,
      LongSupplier envNow) {
    this(services, customer, csm, envStart, realStart, dayLength, envNow, false);
  }

  /**
   * {@code warmUp}: a run that plays on a new environment before any request does, for a customer
   * that is not in the database: it reads nothing, so its emails go to the customer's own address
   * and its tasks to the given CSM, never suppressed.
   */
  DryRunRecorder(
      Services services,
      Customer customer,
      Csm csm,
      long envStart,
      Instant realStart,
      Duration dayLength,
      LongSupplier envNow,
      boolean warmUp) {
    this.services = services;
    this.customer = customer;
    this.csm = csm;
    this.warmUp = warmUp;
    this.envStart = envStart;
    this.realStart = realStart;
    this.dayLength = dayLength;
    this.envNow = envNow;
  }

  // --- email -------------------------------------------------------------------------------

  @Override
  public EmailReceipt sendCustomerEmail(CustomerEmail request) {
    Customer to = warmUp ? customer : services.directory().addressed(customer);
    EmailComposer.Composed composed;
    try {
      composed =
          services
              .composer()
              .toCustomer(
                  request.template(),
                  request.templateOverride(),
                  to,
                  csm,
                  real(request.variables()));
    } catch (TemplateException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          e.getMessage(), FailureType.TEMPLATE_ERROR.name());
    }
    String subject = composed.content().subject();
    String body =
        composed.content().text().replace(composed.unsubscribeUrl(), UNSUBSCRIBE_PLACEHOLDER);
    boolean suppressed = !warmUp && services.communications().isSuppressed(to.email());
    add(
        now(),
        new Entry(
            null,
            0,
            null,
            Kind.EMAIL,
            request.step(),
            (suppressed ? "not sent, the address is suppressed: \"" : "\"") + subject + "\"",
            new Email(
                address(csm.name(), csm.email()),
                address(to.name(), to.email()),
                subject,
                body,
                composed.content().locale(),
                request.template()),
            null,
            null,
            null));
    return new EmailReceipt(
        suppressed ? EmailStatus.SKIPPED_SUPPRESSED : EmailStatus.SENT, subject, null);
  }

  @Override
  public EmailReceipt sendCsmAlert(CsmAlert alert) {
    EmailComposer.Composed composed;
    try {
      composed =
          services
              .composer()
              .alert(
                  alert.template(),
                  alert.templateOverride(),
                  customer,
                  csm,
                  real(alert.variables()));
    } catch (TemplateException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          e.getMessage(), FailureType.TEMPLATE_ERROR.name());
    }
    String recipient = alert.recipient().name().toLowerCase(Locale.ROOT);
    String subject = composed.content().subject();
    add(
        now(),
        new Entry(
            null,
            0,
            null,
            Kind.ALERT,
            alert.step(),
            "alert to " + recipient + ": \"" + subject + "\"",
            new Email(
                address(csm.name(), csm.email()),
                address(
                    recipient, services.tasks().assigneeEmail(customer.id(), alert.recipient())),
                subject,
                composed.content().text(),
                composed.content().locale(),
                alert.template()),
            null,
            null,
            null));
    return new EmailReceipt(EmailStatus.SENT, subject, null);
  }

  @Override
  public void recordFailure(EmailFailure failure) {
    add(now(), entry(Kind.STEP, failure.step(), "email failed: " + failure.reason()));
  }

  // --- CRM ---------------------------------------------------------------------------------

  @Override
  public CrmTaskReceipt createTask(CrmTask task) {
    String email = assigneeEmail(task.assignee());
    long due = task.dueAt() == null ? now() : task.dueAt().toEpochMilli();
    add(
        now(),
        new Entry(
            null,
            0,
            null,
            Kind.TASK,
            task.step(),
            task.priority()
                + " task for "
                + task.assignee().name().toLowerCase(Locale.ROOT)
                + ": "
                + task.title(),
            null,
            new Task(
                task.assignee().name(),
                email,
                task.title(),
                task.body(),
                task.priority().name(),
                offset(due).toString(),
                real(due)),
            null,
            null));
    return new CrmTaskReceipt(-taskIds.incrementAndGet(), email);
  }

  @Override
  public void addNote(CrmNote note) {
    add(now(), entry(Kind.NOTE, stepOf(note.step()), note.body()));
  }

  @Override
  public void addTag(CrmTag tag) {
    add(now(), entry(Kind.TAG, null, tag.tag()));
  }

  // --- backend, offers, privacy ----------------------------------------------------------

  @Override
  public void notifyBackend(BackendNotification notification) {
    add(
        now(),
        new Entry(
            null,
            0,
            null,
            Kind.BACKEND,
            notification.step(),
            "the backend is told " + notification.type(),
            null,
            null,
            null,
            notification.data() == null ? Map.of() : Map.copyOf(notification.data())));
  }

  @Override
  public ExpansionFigures expansionFigures(ExpansionFiguresRequest request) {
    ExpansionFigures figures = services.offers().expansionFigures(request);
    add(
        now(),
        new Entry(
            null,
            0,
            null,
            Kind.FACTS,
            "expansion-figures",
            figures.currentPlan() + " to " + figures.nextPlan(),
            null,
            null,
            null,
            Map.copyOf(figures.variables())));
    return figures;
  }

  @Override
  public UsageFigures usageFigures(UsageFiguresRequest request) {
    UsageFigures usage = services.offers().usageFigures(request);
    Map<String, String> figures = new java.util.LinkedHashMap<>();
    figures.put("loginsPerWeek", Integer.toString(usage.loginsPerWeek()));
    figures.put("queriesPerWeek", Integer.toString(usage.queriesPerWeek()));
    figures.put("featuresUsed", Integer.toString(usage.featuresUsed()));
    add(
        now(),
        new Entry(
            null,
            0,
            null,
            Kind.FACTS,
            "usage-figures",
            usage.measured() ? "the latest measured usage" : "no usage measured yet",
            null,
            null,
            null,
            usage.measured() ? Map.copyOf(figures) : Map.of()));
    return usage;
  }

  @Override
  public PurgeReport purgeExpired(PurgeRequest request) {
    // No playbook purges; here for completeness, so no port reaches the real implementation.
    add(now(), entry(Kind.STEP, "purge", "a purge would run (" + request.trigger() + ")"));
    return new PurgeReport("", 0, 0, 0);
  }

  // --- sending rules -----------------------------------------------------------------------

  /**
   * The first moment in the customer's business hours, on a day this dry-run has not sent on yet.
   * Other runs' reservations are not counted (the customer's other playbooks are not played).
   */
  @Override
  public synchronized SendSlot reserveSendSlot(SendSlotRequest request) {
    ZoneId zone = ZoneId.of(customer.timezone());
    Instant asked = real(request.earliest().toEpochMilli());
    Instant slot = services.sendingRules().nextBusinessMoment(asked, zone);
    boolean capped = false;
    while (request.dailyCap() && slotDays.contains(slot.atZone(zone).toLocalDate())) {
      capped = true;
      slot =
          services
              .sendingRules()
              .nextBusinessMoment(
                  slot.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant(), zone);
    }
    if (request.dailyCap()) {
      slotDays.add(slot.atZone(zone).toLocalDate());
    }
    Instant envSlot = Instant.ofEpochMilli(envStart + Duration.between(realStart, slot).toMillis());
    if (!envSlot.isAfter(request.earliest())) {
      return new SendSlot(request.earliest(), null);
    }
    String why =
        capped
            ? "the daily email cap (one automated email per customer per day)"
            : "business hours (" + zone + ")";
    slotReasons.put(request.step(), why);
    return new SendSlot(envSlot, why);
  }

  @Override
  public synchronized void releaseSendSlot(SendSlotRequest request) {
    ZoneId zone = ZoneId.of(customer.timezone());
    slotDays.remove(real(request.earliest().toEpochMilli()).atZone(zone).toLocalDate());
  }

  // --- ledger: stages, waits, outcome, and the steps no other port shows ---------------------

  @Override
  public synchronized void record(LedgerUpdate update) {
    long now = now();
    steps(update, now);
    RunSnapshot run = update.run();
    if (run == null) {
      return;
    }
    if (last == null || !Objects.equals(last.stage(), run.stage())) {
      add(
          now,
          entry(
              Kind.STAGE, null, last == null ? run.stage() : last.stage() + " -> " + run.stage()));
    }
    // A next step due now is under way, not waited for.
    boolean newWait =
        run.nextStep() != null
            && run.nextStepAt() != null
            && run.nextStepAt().toEpochMilli() > now
            && (last == null
                || !Objects.equals(last.nextStep(), run.nextStep())
                || !Objects.equals(last.nextStepAt(), run.nextStepAt()));
    boolean newOpenWait =
        run.nextStep() == null
            && run.waitingOn() != null
            && (last == null
                || !Objects.equals(last.waitingOn(), run.waitingOn())
                || last.nextStep() != null);
    if ("RUNNING".equals(run.status()) && (newWait || newOpenWait)) {
      add(now, waitEntry(run));
    }
    last = run;
  }

  /** The ledger's entries that no other port shows: outcomes, and skipped or failed steps. */
  private void steps(LedgerUpdate update, long now) {
    for (TimelineEntry e : update.allEntries()) {
      String summary = e.summary() == null ? "" : e.summary();
      long at = e.at() == null ? now : e.at().toEpochMilli();
      switch (e.kind()) {
        case "OUTCOME" -> add(at, entry(Kind.OUTCOME, null, summary));
        case "PLAYBOOK" -> {}
        case "EMAIL", "TASK", "NOTE", "TAG" -> {
          // Sent emails, tasks, notes and tags are recorded by their ports; a skipped or failed
          // step only shows here.
          if (!(summary.contains(": SENT")
              || summary.contains(": TASK_CREATED")
              || summary.contains(": ESCALATED")
              || summary.contains(": NOTE_ADDED")
              || summary.contains(": TAGGED"))) {
            add(at, entry(Kind.STEP, stepOf(e.key()), summary));
          }
        }
        default -> add(at, entry(Kind.STEP, stepOf(e.key()), summary));
      }
    }
  }

  /** The run's new wait: for which step (or on whom), until when, and why. */
  private Entry waitEntry(RunSnapshot run) {
    Long until = run.nextStepAt() == null ? null : run.nextStepAt().toEpochMilli();
    String waitingFor =
        run.nextStep() == null
            ? null
            : slotReasons.getOrDefault(run.nextStep(), "the step " + run.nextStep());
    return new Entry(
        null,
        0,
        null,
        Kind.WAIT,
        run.nextStep(),
        "waits"
            + (run.nextStep() == null ? "" : " for " + run.nextStep())
            + (run.waitingOn() == null ? "" : " (on " + run.waitingOn() + ")")
            + (until == null ? "" : " until " + offset(until))
            + (slotReasons.containsKey(run.nextStep())
                ? ": " + slotReasons.get(run.nextStep())
                : ""),
        null,
        null,
        new Wait(
            waitingFor,
            run.waitingOn(),
            until == null ? null : offset(until).toString(),
            until == null ? null : real(until)),
        null);
  }

  // --- what the driver adds, and the answer ----------------------------------------------

  /** An event the dry-run delivered to the run at this moment (or could not). */
  void event(String step, String summary, Map<String, String> data) {
    add(
        now(),
        new Entry(null, 0, null, Kind.EVENT, step, summary, null, null, null, Map.copyOf(data)));
  }

  /** The run's last snapshot: its stage, outcome and what it waits for. */
  synchronized RunSnapshot last() {
    return last;
  }

  /** The entries in time order (events first among those of one moment, as delivered). */
  synchronized List<Entry> entries() {
    return recorded.stream()
        .sorted(Comparator.comparingLong(Recorded::at).thenComparingLong(Recorded::seq))
        .map(Recorded::entry)
        .toList();
  }

  private synchronized void add(long at, Entry entry) {
    Duration offset = offset(at);
    double day = Math.round(offset.toMillis() * 1000.0 / dayLength.toMillis()) / 1000.0;
    recorded.add(
        new Recorded(
            at,
            seq.incrementAndGet(),
            new Entry(
                offset.toString(),
                day,
                real(at),
                entry.kind(),
                entry.step(),
                entry.summary(),
                entry.email(),
                entry.task(),
                entry.waiting(),
                entry.data())));
  }

  private static Entry entry(String kind, String step, String summary) {
    return new Entry(null, 0, null, kind, step, summary, null, null, null, null);
  }

  private long now() {
    return envNow.getAsLong();
  }

  private Duration offset(long envMillis) {
    return Duration.ofMillis(envMillis - envStart);
  }

  private Instant real(long envMillis) {
    return realStart.plusMillis(envMillis - envStart);
  }

  /** The step's variables with each moment on the environment's clock moved to the wall clock. */
  private Map<String, String> real(Map<String, String> variables) {
    if (variables == null) {
      return Map.of();
    }
    Map<String, String> moved = new HashMap<>(variables);
    moved.replaceAll(
        (name, value) -> {
          if (value == null || value.length() < 20 || !value.endsWith("Z")) {
            return value;
          }
          try {
            return real(Instant.parse(value).toEpochMilli()).toString();
          } catch (DateTimeParseException notAMoment) {
            return value;
          }
        });
    return moved;
  }

  /** Who a task or alert goes to, as the CRM would address it. */
  private String assigneeEmail(TaskAssignee assignee) {
    return warmUp ? csm.email() : services.tasks().assigneeEmail(customer.id(), assignee);
  }

  /** A step name without the ledger's {@code #n} position. */
  private static String stepOf(String key) {
    if (key == null) {
      return null;
    }
    int hash = key.indexOf('#');
    return hash < 0 ? key : key.substring(0, hash);
  }

  private static String address(String name, String email) {
    return name == null || name.isBlank() ? email : name + " <" + email + ">";
  }
}
