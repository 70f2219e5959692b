package dev.retention.api.playbooks.dryrun;

import dev.retention.activities.email.EmailComposer;
import dev.retention.activities.offers.OfferActivitiesImpl;
import dev.retention.activities.sendingrules.SendingRulesActivitiesImpl;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.runtime.PlaybookSettings;
import dev.retention.data.crm.CrmTasks;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.definitions.DefinitionFiles;
import dev.retention.data.email.Communications;
import dev.retention.data.scoring.HealthBand;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.CustomerResponse;
import dev.retention.workflows.contract.HealthChange;
import dev.retention.workflows.contract.Milestone;
import dev.retention.workflows.contract.MilestoneReached;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.contract.PlaybookIds;
import dev.retention.workflows.contract.PlaybookResult;
import dev.retention.workflows.contract.PlaybookState;
import dev.retention.workflows.contract.PlaybookWorkflow;
import dev.retention.workflows.contract.Upgraded;
import dev.retention.workflows.engine.PlaybookDefinition;
import dev.retention.workflows.ports.RunSnapshot;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Plays a playbook for a customer on a warm time-skipping environment, every port a {@link
 * DryRunRecorder}, delivering the given events at their offsets, and answers the timeline. A small
 * pool of environments, each playing one dry-run at a time; a request waits {@code queue-wait} for
 * one and is otherwise answered 429 with Retry-After. A dry-run longer than {@code timeout} (real
 * time) is answered 503 too, and its environment replaced. Needs the SDK's in-process test service,
 * which the production build leaves out (see {@code api/pom.xml}).
 */
@Service
@ConditionalOnClass(
    name = {
      "io.temporal.testing.TestWorkflowEnvironment",
      "io.temporal.internal.testservice.TestWorkflowService"
    })
public class DryRuns implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(DryRuns.class);

  /** One event to deliver, its offset parsed. */
  record Planned(Duration at, DryRunEvent event) {}

  private final DryRunTarget target;
  private final PlaybookSettings playbooks;
  private final DryRunSettings settings;
  private final DryRunRecorder.Services services;
  private final Clock clock;
  private final BlockingQueue<DryRunEnvironment> idle = new LinkedBlockingQueue<>();
  private final ExecutorService warmer;
  private final ExecutorService runner;
  private final AtomicInteger environments = new AtomicInteger();
  private final java.util.Set<DryRunEnvironment> all =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AtomicLong runs = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicBoolean warmed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean closed;

  DryRuns(
      DryRunTarget target,
      PlaybookSettings playbooks,
      DryRunSettings settings,
      CustomerDirectory directory,
      EmailComposer composer,
      Communications communications,
      CrmTasks tasks,
      OfferActivitiesImpl offers,
      SendingRulesActivitiesImpl sendingRules,
      Clock clock) {
    this.target = target;
    this.playbooks = playbooks;
    this.settings = settings;
    this.services =
        new DryRunRecorder.Services(
            directory, composer, communications, tasks, offers, sendingRules);
    this.clock = clock;
    this.warmer = Executors.newSingleThreadExecutor(daemon("dry-run-warmer"));
    this.runner = Executors.newCachedThreadPool(daemon("dry-run"));
  }

  /**
   * Warms the environments once the app is ready, not while it starts: each is an in-process
   * Temporal service playing a run once, work that took the two cores from the start-up itself. A
   * dry-run asked for before the first one is warm waits for it (see {@link #run}).
   */
  @EventListener(ApplicationReadyEvent.class)
  void warm() {
    for (int i = 0; i < settings.environments(); i++) {
      warmer.execute(this::addEnvironment);
    }
  }

  /** The longest offset an event may have: the horizon the dry-run plays to. */
  public Duration horizon() {
    return playbooks.dayLength().multipliedBy(settings.horizonDays());
  }

  public Duration dayLength() {
    return playbooks.dayLength();
  }

  /** Plays the run and answers its timeline; the inputs are checked by the caller. */
  public DryRunTimeline run(
      String playbook,
      PlaybookDefinition definition,
      Customer customer,
      String reason,
      List<Planned> events) {
    Csm csm =
        services
            .directory()
            .findCsm(customer.csmId())
            .orElseThrow(
                () -> ApiProblem.notFound("CSM", "customer " + customer.id() + " has no CSM"));
    DryRunEnvironment env;
    try {
      // Before the first environment is warm (just after start), the wait is the warm-up's.
      Duration wait = warmed.get() ? settings.queueWait() : settings.timeout();
      env = idle.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw busy();
    }
    if (env == null) {
      throw busy();
    }
    long started = System.nanoTime();
    DryRunEnvironment playing = env;
    Future<DryRunTimeline> played =
        runner.submit(
            () ->
                play(playing, playbook, definition, customer, csm, false, reason, events, started));
    try {
      DryRunTimeline timeline = played.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
      release(env);
      return timeline;
    } catch (TimeoutException e) {
      played.cancel(true);
      discard(env);
      throw new ApiProblem(
          HttpStatus.SERVICE_UNAVAILABLE,
          "Service unavailable",
          "the dry-run took longer than "
              + settings.timeout()
              + " and was stopped; nothing was sent or written",
          null,
          null);
    } catch (ExecutionException e) {
      discard(env);
      if (e.getCause() instanceof ApiProblem problem) {
        throw problem;
      }
      log.warn("a dry-run of {} for {} failed", playbook, customer.id(), e.getCause());
      throw new ApiProblem(
          HttpStatus.SERVICE_UNAVAILABLE,
          "Service unavailable",
          "the dry-run could not be played (" + e.getCause() + "); nothing was sent or written",
          null,
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      discard(env);
      throw busy();
    }
  }

  private DryRunTimeline play(
      DryRunEnvironment env,
      String playbook,
      PlaybookDefinition definition,
      Customer customer,
      Csm csm,
      boolean warmUp,
      String reason,
      List<Planned> events,
      long startedNanos) {
    long envStart = env.now();
    Instant realStart = clock.instant();
    DryRunRecorder recorder =
        new DryRunRecorder(
            services, customer, csm, envStart, realStart, dayLength(), env::now, warmUp);
    env.use(recorder);
    String workflowId =
        "dry-run-" + PlaybookIds.workflowId(playbook, customer.id()) + "-" + runs.incrementAndGet();
    try {
      WorkflowStub run =
          target.start(
              env.client(),
              new DryRunTarget.Run(
                  playbook,
                  definition,
                  customer,
                  reason,
                  Instant.ofEpochMilli(envStart),
                  workflowId,
                  env.taskQueue()));
      Duration elapsed = Duration.ZERO;
      for (Planned planned : events.stream().sorted(Comparator.comparing(Planned::at)).toList()) {
        env.sleep(planned.at().minus(elapsed));
        elapsed = planned.at();
        deliver(run, recorder, planned.event(), customer);
      }
      env.sleep(horizon().minus(elapsed));
      return timeline(playbook, customer, run, recorder, realStart, startedNanos);
    } finally {
      env.use(null);
    }
  }

  /** The run at the horizon: completed, or still running (then terminated), as the answer. */
  private DryRunTimeline timeline(
      String playbook,
      Customer customer,
      WorkflowStub run,
      DryRunRecorder recorder,
      Instant realStart,
      long startedNanos) {
    RunSnapshot last = recorder.last();
    String status;
    String stage;
    String outcome;
    String outcomeReason = null;
    WorkflowExecutionStatus closed = run.describe().getStatus();
    if (closed == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      PlaybookResult done = run.getResult(PlaybookResult.class);
      status = "COMPLETED";
      stage = done.stage();
      outcome = done.outcome() == null ? null : done.outcome().name();
      outcomeReason = reasonOf(recorder);
    } else if (closed != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new IllegalStateException("the dry-run's run ended " + closed);
    } else {
      status = "RUNNING";
      stage = last == null ? null : last.stage();
      outcome = null;
      run.terminate("dry-run over");
    }
    return new DryRunTimeline(
        playbook,
        customer.id(),
        dayLength().toString(),
        realStart,
        horizon().toString(),
        status,
        stage,
        outcome,
        outcomeReason,
        recorder.entries(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
  }

  /** The reason the run's closing entry gives ({@code ... closed CHURNING: no response ...}). */
  private static String reasonOf(DryRunRecorder recorder) {
    return recorder.entries().stream()
        .filter(e -> DryRunTimeline.Kind.OUTCOME.equals(e.kind()))
        .map(DryRunTimeline.Entry::summary)
        .filter(s -> s.contains(": "))
        .map(s -> s.substring(s.indexOf(": ") + 2))
        .reduce((first, second) -> second)
        .orElse(null);
  }

  private void deliver(
      WorkflowStub run, DryRunRecorder recorder, DryRunEvent event, Customer customer) {
    String step = "event: " + event.type();
    if (run.describe().getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      recorder.event(step, event.type() + " after the run closed: nothing happens", Map.of());
      return;
    }
    switch (event.type()) {
      case "customer-responded" -> {
        recorder.event(step, "the customer replies", Map.of());
        run.signal("customerResponded", new CustomerResponse("reply"));
      }
      case "outcome" -> {
        OutcomeType type = OutcomeType.valueOf(event.outcome());
        recorder.event(
            step,
            "the CSM records " + type,
            event.note() == null
                ? Map.of("outcome", type.name())
                : Map.of("outcome", type.name(), "note", event.note()));
        try {
          run.update(
              PlaybookWorkflow.RECORD_OUTCOME,
              PlaybookState.class,
              new CsmOutcome(type, event.note(), customer.csmId()));
        } catch (WorkflowUpdateException refused) {
          recorder.event(step, "the run refuses " + type + ": " + rootMessage(refused), Map.of());
        }
      }
      case "health" -> {
        int score = event.score();
        String band = HealthBand.of(score).name();
        recorder.event(
            step,
            "health " + score + " (" + band + ")",
            Map.of("score", Integer.toString(score), "band", band));
        run.signal("healthChanged", new HealthChange(score, band));
      }
      case "milestone" -> {
        Milestone milestone = Milestone.valueOf(event.name());
        recorder.event(step, "milestone " + milestone, Map.of("milestone", milestone.name()));
        run.signal("milestone", new MilestoneReached(milestone));
      }
      case "upgraded" -> {
        recorder.event(step, "upgraded to " + event.plan(), Map.of("plan", event.plan()));
        run.signal("upgraded", new Upgraded(event.plan()));
      }
      default -> throw new IllegalStateException("unchecked event type " + event.type());
    }
  }

  private void release(DryRunEnvironment env) {
    if (env.uses() >= settings.maxUses()) {
      discard(env);
    } else {
      idle.add(env);
    }
  }

  /** Closes the environment and warms a fresh one in its place. */
  private void discard(DryRunEnvironment env) {
    environments.decrementAndGet();
    warmer.execute(
        () -> {
          all.remove(env);
          closeQuietly(env);
          addEnvironment();
        });
  }

  private void addEnvironment() {
    if (closed) {
      return;
    }
    try {
      int n = environments.incrementAndGet();
      long started = System.nanoTime();
      DryRunEnvironment env =
          new DryRunEnvironment(
              "dry-run-" + n + "-" + System.nanoTime(), target.workflowTypes(), clock.instant());
      try {
        warmUp(env);
      } catch (RuntimeException e) {
        // Still usable: its first dry-run is only slower.
        log.warn("dry-run environment {} did not warm up: {}", n, e.toString());
      }
      log.debug(
          "dry-run environment {} warm in {} ms",
          n,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      all.add(env);
      idle.add(env);
      if (closed) {
        destroy();
      }
    } catch (RuntimeException e) {
      environments.decrementAndGet();
      if (!closed) { // a warm-up cut short by the app stopping is no news
        log.warn("could not start a dry-run environment: {}", e.toString());
      }
    } finally {
      warmed.set(true);
    }
  }

  /**
   * Plays an at-risk run with a reply on day 4 on the new environment, for a customer not in the
   * database, so the first request finds its workflow code loaded and cached: a cold environment's
   * first workflow task takes long enough to show on the timeline of a short playbook day.
   */
  private void warmUp(DryRunEnvironment env) {
    Customer customer =
        new Customer(
            "dry-run-warm-up",
            "Warm-up",
            "warm-up@example.invalid",
            "dry-run-warm-up-csm",
            "Growth",
            java.math.BigDecimal.valueOf(100),
            1000,
            "UTC",
            "en");
    Csm csm =
        new Csm("dry-run-warm-up-csm", "Warm-up", "csm@example.invalid", "lead@example.invalid");
    play(
        env,
        Playbook.AT_RISK.id(),
        DefinitionFiles.shipped(Playbook.AT_RISK.id()).orElseThrow(),
        customer,
        csm,
        true,
        null,
        List.of(
            new Planned(
                dayLength().multipliedBy(4),
                new DryRunEvent(null, "customer-responded", null, null, null, null, null))),
        System.nanoTime());
  }

  private static void closeQuietly(DryRunEnvironment env) {
    try {
      env.close();
    } catch (RuntimeException e) {
      log.debug("closing a dry-run environment: {}", e.toString());
    }
  }

  private ApiProblem busy() {
    return ApiProblem.tooManyRequests(
        "Too many dry-runs",
        "every dry-run environment is busy ("
            + settings.environments()
            + " play one dry-run each at a time); try again in a moment",
        1);
  }

  @Override
  public void destroy() {
    closed = true;
    warmer.shutdownNow();
    runner.shutdownNow();
    idle.clear();
    for (DryRunEnvironment env : List.copyOf(all)) {
      all.remove(env);
      closeQuietly(env);
    }
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
