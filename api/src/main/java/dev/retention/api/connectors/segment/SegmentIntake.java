package dev.retention.api.connectors.segment;

import dev.retention.api.events.CustomerEvents;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.segment.SegmentStore;
import dev.retention.workflows.cancellationsave.CancellationReason;
import dev.retention.workflows.contract.Milestone;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A checked request's messages: stored and rolled up in one transaction ({@link SegmentStore}),
 * then the effects of the new ones applied through the same code the backend's own events take
 * ({@link CustomerEvents}: a milestone, an NPS answer, a cancellation request), so the playbooks
 * start exactly as if the backend had posted them. A message Segment retries has no second effect.
 * An effect that fails (Temporal unreachable, say) is recorded on the event and shown on the
 * connections page; the events stay stored.
 */
@Service
class SegmentIntake {

  private static final Logger log = LoggerFactory.getLogger(SegmentIntake.class);

  private final SegmentStore store;
  private final SegmentSettings settings;
  private final CustomerDirectory directory;
  private final CustomerEvents events;
  private final SegmentConnection connection;
  private final JsonMapper json;
  private final Clock clock;

  SegmentIntake(
      SegmentStore store,
      SegmentSettings settings,
      CustomerDirectory directory,
      CustomerEvents events,
      SegmentConnection connection,
      JsonMapper json,
      Clock clock) {
    this.store = store;
    this.settings = settings;
    this.directory = directory;
    this.events = events;
    this.connection = connection;
    this.json = json;
    this.clock = clock;
  }

  /**
   * What became of a request (Segment itself answers {@code success: true}; the counts are ours).
   */
  record Result(
      boolean success,
      int received,
      int accepted,
      int duplicates,
      int unmatched,
      int replayed,
      int ignored,
      int effects,
      int effectsFailed) {}

  Result ingest(SegmentMessages.Read read) {
    if (read.messages().isEmpty()) {
      return new Result(true, read.received(), 0, 0, 0, 0, read.ignored(), 0, 0);
    }
    SegmentStore.Stored stored = store.store(read.messages(), clock.instant());
    connection.accepted(stored.accepted());
    int failed = 0;
    for (SegmentStore.Effect effect : stored.effects()) {
      if (!apply(effect)) {
        failed++;
      }
    }
    return new Result(
        true,
        read.received(),
        stored.accepted(),
        read.messages().size()
            - stored.accepted()
            + (read.received() - read.ignored() - read.messages().size()),
        stored.unmatched(),
        stored.replayed(),
        read.ignored(),
        stored.effects().size(),
        failed);
  }

  private boolean apply(SegmentStore.Effect effect) {
    try {
      Optional<Customer> found = directory.findCustomer(effect.customerId());
      if (found.isEmpty()) {
        store.effectFailed(effect.messageId(), "the customer no longer exists");
        return false;
      }
      Customer customer = found.get();
      JsonNode properties =
          effect.properties() == null
              ? json.createObjectNode()
              : json.readTree(effect.properties());
      if (effect.effect().startsWith("milestone:")) {
        events.milestone(customer, Milestone.valueOf(effect.effect().substring(10)));
      } else if ("nps".equals(effect.effect())) {
        SegmentSettings.Rule rule = settings.mapping().rule(effect.event());
        int score =
            properties.path(rule == null || rule.nps() == null ? "score" : rule.nps()).asInt();
        String comment =
            rule == null || rule.comment() == null
                ? null
                : properties.path(rule.comment()).isString()
                    ? properties.path(rule.comment()).stringValue()
                    : null;
        events.nps(customer, score, comment);
      } else if ("cancellation".equals(effect.effect())) {
        SegmentSettings.Rule rule = settings.mapping().rule(effect.event());
        JsonNode reason =
            properties.path(
                rule == null || rule.cancellation() == null ? "reason" : rule.cancellation());
        events.cancellationRequested(
            customer, reason(reason.isString() ? reason.stringValue() : null));
      }
      return true;
    } catch (RuntimeException e) {
      String reason =
          "its " + effect.effect() + " could not be applied: " + e.getClass().getSimpleName();
      log.warn(
          "segment: event {} for customer {}: {}",
          effect.messageId(),
          effect.customerId(),
          reason,
          e);
      store.effectFailed(effect.messageId(), reason);
      connection.refused("an event was stored but " + reason);
      return false;
    }
  }

  /**
   * A reason the product names (too_expensive, Too expensive) when it is one of ours, else OTHER.
   */
  static CancellationReason reason(String text) {
    if (text == null || text.isBlank()) {
      return CancellationReason.OTHER;
    }
    String name = text.strip().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    for (CancellationReason r : CancellationReason.values()) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    return CancellationReason.OTHER;
  }
}
