package dev.retention.api.playbooks.dryrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.retention.api.problems.ApiProblem;
import dev.retention.api.runtime.PlaybookSettings;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.definitions.DefinitionFiles;
import dev.retention.workflows.atrisk.AtRiskPlaybookImpl;
import dev.retention.workflows.contract.Playbook;
import dev.retention.workflows.engine.PlaybookDefinition;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * The dry-run's limits, without the app: one environment, a request that finds it busy is refused
 * at once with 429 and Retry-After, and a dry-run that overruns its time is stopped with a 503
 * problem (never a 500), its environment replaced. The target here never finishes starting a run,
 * as a stuck dry-run would.
 */
class DryRunLimitsTest {

  static final PlaybookDefinition AT_RISK = DefinitionFiles.shipped("at-risk").orElseThrow();

  private static final Customer CUSTOMER =
      new Customer(
          "limits",
          "Limits",
          "ops@limits.example",
          "csm-limits",
          "Growth",
          BigDecimal.TEN,
          100,
          "UTC",
          "en");

  private final CountDownLatch stuck = new CountDownLatch(1);
  private final ExecutorService callers = Executors.newFixedThreadPool(2);
  private DryRuns dryRuns;

  /** Plays nothing: the warm-up fails at once, a request's start hangs until interrupted. */
  private final DryRunTarget hanging =
      new DryRunTarget() {
        @Override
        public List<Class<?>> workflowTypes() {
          return List.of(AtRiskPlaybookImpl.class);
        }

        @Override
        public WorkflowStub start(WorkflowClient client, Run run) {
          if (run.customer().id().equals(CUSTOMER.id())) {
            stuck.countDown();
            try {
              Thread.sleep(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          throw new IllegalStateException("this target starts no run");
        }
      };

  @AfterEach
  void close() {
    callers.shutdownNow();
    if (dryRuns != null) {
      dryRuns.destroy();
    }
  }

  @Test
  void aBusyPool_answers429_andAnOverrunningDryRun_503() throws Exception {
    CustomerDirectory directory =
        new CustomerDirectory(null) {
          @Override
          public Optional<Csm> findCsm(String id) {
            return Optional.of(new Csm(id, "Petra", "petra@example.com", "lena@example.com"));
          }
        };
    dryRuns =
        new DryRuns(
            hanging,
            new PlaybookSettings(Duration.ofDays(1), null),
            new DryRunSettings(1, Duration.ofMillis(200), Duration.ofSeconds(3), null, null),
            directory,
            null,
            null,
            null,
            null,
            null,
            Clock.systemUTC());
    dryRuns.warm(); // what the app's ready event does

    // The first request retries until the environment is warm, then hangs in its start.
    Future<ApiProblem> overrun =
        callers.submit(
            () -> {
              while (true) {
                try {
                  dryRuns.run(Playbook.AT_RISK.id(), AT_RISK, CUSTOMER, null, List.of());
                  return null;
                } catch (ApiProblem problem) {
                  if (problem.status() != HttpStatus.TOO_MANY_REQUESTS) {
                    return problem;
                  }
                  Thread.sleep(100);
                }
              }
            });
    assertThat(stuck.await(60, TimeUnit.SECONDS)).isTrue();

    // The one environment is playing: the next request is refused once its wait is over.
    long began = System.nanoTime();
    ApiProblem busy =
        catchThrowableOfType(
            ApiProblem.class,
            () -> dryRuns.run(Playbook.AT_RISK.id(), AT_RISK, CUSTOMER, null, List.of()));
    assertThat(busy.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    assertThat(busy.headers()).containsEntry("Retry-After", "1");
    assertThat(busy.getMessage()).contains("busy");

    ApiProblem stopped = overrun.get(60, TimeUnit.SECONDS);
    assertThat(stopped.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(stopped.getMessage()).contains("took longer than PT3S").contains("nothing was sent");
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(30));
  }
}
