package dev.retention.api.support;

import io.temporal.api.testservice.v1.LockTimeSkippingRequest;
import io.temporal.api.testservice.v1.SleepRequest;
import io.temporal.api.testservice.v1.UnlockTimeSkippingRequest;
import io.temporal.serviceclient.TestServiceStubs;
import io.temporal.serviceclient.TestServiceStubsOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Lets a playbook's days pass without waiting them out. On the in-process Temporal server (the
 * embedded runtime of the tests) the server's clock is skipped ahead: it jumps from timer to timer,
 * and stands still while a workflow task or an activity is in flight, so every step still runs, in
 * order, with the real work it does; on a real Temporal server (TEMPORAL_ADDRESS) the time is
 * waited out.
 *
 * <p>The app runs the in-process server on a real clock (its environment holds a time-skipping lock
 * it never releases); a skip releases that lock, sleeps on the server's clock, and takes it again.
 * A skip moves the server's clock ahead of the wall clock for good, so every run in the context
 * sees the later time: only test classes whose context is theirs to skip in use this ({@link
 * WithSkippedClock}, {@link WithConnectors}).
 */
public final class TemporalClock {

  /** Null on a real server. */
  private final TestServiceStubs testService;

  private TemporalClock(TestServiceStubs testService) {
    this.testService = testService;
  }

  /** The clock of the context's Temporal server: in-process if it has one, else real. */
  public static TemporalClock of(ObjectProvider<TestWorkflowEnvironment> environment) {
    TestWorkflowEnvironment env = environment.getIfAvailable();
    if (env == null) {
      return new TemporalClock(null);
    }
    return new TemporalClock(
        TestServiceStubs.newServiceStubs(
            TestServiceStubsOptions.newBuilder()
                .setChannel(env.getWorkflowServiceStubs().getRawChannel())
                .setRpcTimeout(Duration.ofMinutes(2))
                .validateAndBuildWithDefaults()));
  }

  /** Whether skips jump (in-process server) rather than wait (real server). */
  public boolean skips() {
    return testService != null;
  }

  /** The Temporal server's time: the in-process server's own clock, else the wall clock. */
  public Instant now() {
    if (testService == null) {
      return Instant.now();
    }
    com.google.protobuf.Timestamp time =
        testService
            .blockingStub()
            .getCurrentTime(com.google.protobuf.Empty.getDefaultInstance())
            .getTime();
    return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
  }

  /** Lets the Temporal server's time pass until {@code moment} (nothing if it has passed). */
  public void passUntil(Instant moment) {
    Duration left = Duration.between(now(), moment);
    if (left.isPositive()) {
      pass(left);
    }
  }

  /** Lets {@code time} pass on the Temporal server's clock. */
  public void pass(Duration time) {
    if (testService == null) {
      sleep(time);
      return;
    }
    var service = testService.blockingStub();
    // The lock the app's real-clock environment took at its start (see the class comment).
    Object unused = service.unlockTimeSkipping(UnlockTimeSkippingRequest.getDefaultInstance());
    try {
      unused =
          service.unlockTimeSkippingWithSleep(
              SleepRequest.newBuilder()
                  .setDuration(
                      com.google.protobuf.Duration.newBuilder()
                          .setSeconds(time.toSeconds())
                          .setNanos(time.toNanosPart()))
                  .build());
    } finally {
      unused = service.lockTimeSkipping(LockTimeSkippingRequest.getDefaultInstance());
    }
  }

  /**
   * Lets the server's time pass in steps of {@code step} until {@code path} answers as {@code
   * done}, at most {@code limit} of it (on a real server the steps are waited out, as {@link
   * HttpApi#await} would); returns the answer. Stepping stops the clock close after the moment the
   * test waits for, so no later timer (a decision deadline, say) fires before the test acts.
   */
  public HttpApi.Response passUntil(
      HttpApi api, String path, Duration step, Duration limit, Predicate<HttpApi.Response> done) {
    Duration passed = Duration.ZERO;
    HttpApi.Response last = api.get(path);
    // A step's work runs on the wall clock: give it real time too before the next skip.
    Instant realLimit = Instant.now().plus(limit).plusSeconds(30);
    while (!done.test(last)) {
      if (passed.compareTo(limit) >= 0 && Instant.now().isAfter(realLimit)) {
        throw new AssertionError(
            "not there after " + passed + " of Temporal's time waiting on " + path + ": " + last);
      }
      if (passed.compareTo(limit) < 0) {
        pass(step);
        passed = passed.plus(step);
      } else {
        sleep(Duration.ofMillis(200));
      }
      last = api.get(path);
    }
    return last;
  }

  private static void sleep(Duration time) {
    HttpApi.sleep(time.toMillis());
  }
}
