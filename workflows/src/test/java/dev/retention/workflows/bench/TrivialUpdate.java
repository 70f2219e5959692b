package dev.retention.workflows.bench;

import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The yardstick: a workflow whose update only returns, for round trips on the same server. */
@WorkflowInterface
public interface TrivialUpdate {

  @WorkflowMethod
  void run();

  @UpdateMethod
  int ping(int n);

  /** Waits until it is terminated; answers pings meanwhile. */
  class Impl implements TrivialUpdate {
    @Override
    public void run() {
      Workflow.await(() -> false);
    }

    @Override
    public int ping(int n) {
      return n;
    }
  }
}
