package dev.retention.api.connectors.segment;

import dev.retention.data.connections.Connection;
import dev.retention.data.connections.ConnectionStatus;
import dev.retention.data.segment.SegmentStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Segment on the connections page: inbound only, so there is nothing to call. What it shows: the
 * last event received, the events accepted today (since this instance started, UTC day), the events
 * kept without a customer, and the last refused request's reason (no body, nothing personal). Not
 * configured without a write key and a shared secret.
 */
@Component
class SegmentConnection implements Connection {

  private final SegmentSettings settings;
  private final SegmentStore store;
  private final Clock clock;

  private final AtomicReference<Instant> lastAccepted = new AtomicReference<>();
  private final AtomicReference<Refusal> lastRefused = new AtomicReference<>();
  private final AtomicReference<LocalDate> today = new AtomicReference<>();
  private final AtomicLong eventsToday = new AtomicLong();

  private record Refusal(String reason, Instant at) {}

  SegmentConnection(SegmentSettings settings, SegmentStore store, Clock clock) {
    this.settings = settings;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public String id() {
    return "segment";
  }

  @Override
  public String name() {
    return "Segment";
  }

  void accepted(int events) {
    Instant now = clock.instant();
    LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate was = today.getAndSet(day);
    if (!day.equals(was)) {
      eventsToday.set(0);
    }
    eventsToday.addAndGet(events);
    lastAccepted.set(now);
  }

  void refused(String reason) {
    lastRefused.set(new Refusal(reason, clock.instant()));
  }

  long eventsToday() {
    LocalDate day = clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
    return day.equals(today.get()) ? eventsToday.get() : 0;
  }

  @Override
  public ConnectionStatus status() {
    if (!settings.configured()) {
      return ConnectionStatus.notConfigured(
          "inbound product events: set retention.segment.write-key (SEGMENT_WRITE_KEY) or"
              + " retention.segment.shared-secret");
    }
    String unmatched;
    try {
      unmatched = Long.toString(store.unmatchedCount());
    } catch (DataAccessException e) {
      unmatched = "unknown (database unavailable)";
    }
    Refusal refused = lastRefused.get();
    return new ConnectionStatus(
        ConnectionStatus.State.OK,
        lastAccepted.get(),
        refused == null ? null : "last refused request: " + refused.reason(),
        refused == null ? null : refused.at(),
        eventsToday() + " events today, " + unmatched + " kept without a customer");
  }

  @Override
  public ConnectionStatus test() {
    if (!settings.configured()) {
      return status();
    }
    Instant last = lastAccepted.get();
    ConnectionStatus now = status();
    return new ConnectionStatus(
        now.state(),
        now.lastSync(),
        now.lastError(),
        now.lastErrorAt(),
        "inbound only, nothing to call: "
            + (settings.writeKey() != null ? "write key set" : "no write key")
            + ", "
            + (settings.sharedSecret() != null ? "shared secret set" : "no shared secret")
            + "; "
            + (last == null ? "no event accepted yet" : "last event accepted " + last));
  }
}
