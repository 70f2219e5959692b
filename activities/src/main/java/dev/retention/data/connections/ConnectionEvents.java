package dev.retention.data.connections;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a connector saw last, in memory: its last success and its last failure (words a person can
 * act on). A connector keeps one and builds its {@link ConnectionStatus} from it; a durable record
 * (an outbox's rows) is the connector's own business.
 */
public final class ConnectionEvents {

  private record Failure(String message, Instant at) {}

  private final Clock clock;
  private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
  private final AtomicReference<Failure> lastFailure = new AtomicReference<>();

  public ConnectionEvents(Clock clock) {
    this.clock = clock;
  }

  public void succeeded() {
    lastSuccess.set(clock.instant());
  }

  public void failed(String message) {
    lastFailure.set(new Failure(message, clock.instant()));
  }

  public Instant lastSuccess() {
    return lastSuccess.get();
  }

  /** The last failure's message when it came after the last success, else null. */
  public String openFailure() {
    Failure failure = lastFailure.get();
    Instant success = lastSuccess.get();
    return failure == null || (success != null && success.isAfter(failure.at()))
        ? null
        : failure.message();
  }

  /** The status from what was seen: OK, or {@code whenFailing} with the open failure. */
  public ConnectionStatus status(ConnectionStatus.State whenFailing, String detail) {
    Failure failure = lastFailure.get();
    String open = openFailure();
    return new ConnectionStatus(
        open == null ? ConnectionStatus.State.OK : whenFailing,
        lastSuccess.get(),
        failure == null ? null : failure.message(),
        failure == null ? null : failure.at(),
        detail);
  }
}
