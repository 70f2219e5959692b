package dev.retention.api.bench;

import dev.retention.workflows.bench.FirstWaitFloor;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first-wait floor's side of {@link ProductBenchmark}: {@link FirstWaitFloor} runs on a worker
 * in the benchmark's process (on a task queue of its own, its email activity on the app's), started
 * straight with the SDK. A run is at its first wait when its workflow code asks for the sleep after
 * the email (counted by an interceptor, replays left out); the timer goes to the server with that
 * workflow task's completion.
 */
final class Floor implements AutoCloseable {

  /** Started and at-their-first-wait rates of one round. */
  record Rates(double accepted, double reached) {}

  private static final String APP_QUEUE = "retention-playbooks";

  private final WorkflowClient client;
  private final WorkerFactory factory;
  private final String queue;
  private final AtomicLong waiting;

  private Floor(WorkflowClient client, WorkerFactory factory, String queue, AtomicLong waiting) {
    this.client = client;
    this.factory = factory;
    this.queue = queue;
    this.waiting = waiting;
  }

  static Floor start(WorkflowClient client) {
    AtomicLong waiting = new AtomicLong();
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(new CountingWaits(waiting))
                .build());
    String queue = "bench-floor-" + UUID.randomUUID();
    factory.newWorker(queue).registerWorkflowImplementationTypes(FirstWaitFloor.Impl.class);
    factory.start();
    return new Floor(client, factory, queue, waiting);
  }

  /** Starts the floor's runs for customers {@code from} … {@code to - 1}, until all wait. */
  Rates measure(int from, int to, int callers) throws Exception {
    int n = to - from;
    long before = waiting.get();
    long began = System.nanoTime();
    BenchHttp.forEachRange(
        n,
        1,
        callers,
        (i, j) -> {
          String customer = "run-" + (from + i);
          FirstWaitFloor run =
              client.newWorkflowStub(
                  FirstWaitFloor.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue(queue)
                      .setWorkflowId("floor-" + customer)
                      // Started eagerly as the product's runs are: its worker is in this process.
                      .setDisableEagerExecution(false)
                      .build());
          WorkflowClient.start(run::run, customer, APP_QUEUE);
        });
    double accepted = n / BenchData.seconds(began);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
    while (waiting.get() < before + n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            (waiting.get() - before) + " of " + n + " floor runs at their wait after 20 minutes");
      }
      Thread.sleep(100);
    }
    return new Rates(accepted, n / BenchData.seconds(began));
  }

  @Override
  public void close() {
    factory.shutdownNow();
  }

  /** Counts the sleeps workflow code asks for, not those a replay asks for again. */
  private static final class CountingWaits extends WorkerInterceptorBase {
    private final AtomicLong waiting;

    CountingWaits(AtomicLong waiting) {
      this.waiting = waiting;
    }

    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
      return new WorkflowInboundCallsInterceptorBase(next) {
        @Override
        public void init(WorkflowOutboundCallsInterceptor outbound) {
          super.init(
              new WorkflowOutboundCallsInterceptorBase(outbound) {
                @Override
                public void sleep(Duration duration) {
                  if (!WorkflowUnsafe.isReplaying()) {
                    waiting.incrementAndGet();
                  }
                  super.sleep(duration);
                }
              });
        }
      };
    }
  }
}
