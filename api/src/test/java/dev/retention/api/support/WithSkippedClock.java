package dev.retention.api.support;

import io.temporal.testing.TestWorkflowEnvironment;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The {@link ApiTest} app in an application context of its own, for the test classes that let a
 * playbook's days pass by skipping the in-process Temporal server's clock ({@link TemporalClock})
 * instead of waiting them out. A skip leaves the server's clock ahead of the wall clock for every
 * run in the context; in a context of their own those skips never reach a test that compares a
 * run's times with the wall clock. One context for every class that extends this (the property
 * below only names it, so Spring's context cache tells it apart from the {@link ApiTest} one).
 */
@ApiTest
public abstract class WithSkippedClock {

  @DynamicPropertySource
  static void ownContext(DynamicPropertyRegistry registry) {
    // Its task queue is its own as every context's (ContextTaskQueue).
    registry.add("retention.test.context", () -> "skipped-clock");
  }

  @Autowired private ObjectProvider<TestWorkflowEnvironment> temporalEnvironment;

  /** The context's Temporal clock: skipped in-process, waited out on a real server. */
  protected TemporalClock clock() {
    return TemporalClock.of(temporalEnvironment);
  }
}
