package dev.retention.workflows.ports;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The run ledger: the projection of runs that the API lists and reports from, and the customer's
 * timeline. Written in one transaction, idempotently, so retries and replays change nothing.
 */
@ActivityInterface
public interface LedgerActivities {

  @ActivityMethod
  void record(LedgerUpdate update);
}
