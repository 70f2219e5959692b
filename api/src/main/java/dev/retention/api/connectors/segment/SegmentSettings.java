package dev.retention.api.connectors.segment;

import dev.retention.data.segment.SegmentStore;
import dev.retention.workflows.contract.Milestone;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code retention.segment.*}: the source's write key ({@code write-key}, sent by Segment's
 * libraries as the HTTP Basic user name) and/or the shared secret of Segment's Webhook destination
 * ({@code shared-secret}, its {@code X-Signature}); with neither, every request is refused. How
 * often customers whose figures moved are scored ({@code score-interval}), and the {@code mapping}
 * from events and traits to what the engine knows.
 */
@ConfigurationProperties("retention.segment")
record SegmentSettings(
    String writeKey, String sharedSecret, Duration scoreInterval, Mapping mapping) {

  SegmentSettings {
    writeKey = blankToNull(writeKey);
    sharedSecret = blankToNull(sharedSecret);
    if (scoreInterval == null) {
      scoreInterval = Duration.ofMinutes(1);
    }
    if (mapping == null) {
      mapping = new Mapping(null, null, null, null);
    }
  }

  boolean configured() {
    return writeKey != null || sharedSecret != null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /**
   * The mapping.
   *
   * @param customerTrait the trait of a group or identify call that names our customer id (a group
   *     whose own id is a customer id needs none)
   * @param planUsageTrait the group trait with the plan usage (0..1)
   * @param openTicketsTrait the group trait with the number of open support tickets
   * @param events what a track event means, by its name
   */
  record Mapping(
      String customerTrait, String planUsageTrait, String openTicketsTrait, List<Rule> events) {

    Mapping {
      if (customerTrait == null || customerTrait.isBlank()) {
        customerTrait = "customerId";
      }
      events = events == null ? List.of() : List.copyOf(events);
      List<String> problems = new ArrayList<>();
      Map<String, Rule> byName = new HashMap<>();
      for (int i = 0; i < events.size(); i++) {
        Rule rule = events.get(i);
        String at = "retention.segment.mapping.events[" + i + "]";
        if (rule.event() == null || rule.event().isBlank()) {
          problems.add(at + ".event is missing");
          continue;
        }
        if (byName.put(rule.event(), rule) != null) {
          problems.add(at + ": event '" + rule.event() + "' is mapped twice");
        }
        int targets =
            (rule.metric() == null ? 0 : 1)
                + (rule.milestone() == null ? 0 : 1)
                + (rule.nps() == null ? 0 : 1)
                + (rule.cancellation() == null ? 0 : 1);
        if (targets != 1) {
          problems.add(
              at
                  + " must name exactly one of metric, milestone, nps, cancellation; has "
                  + targets);
        }
        if (rule.metric() != null
            && !List.of(SegmentStore.LOGINS, SegmentStore.QUERIES, SegmentStore.FEATURES)
                .contains(rule.metric())) {
          problems.add(at + ".metric must be logins, queries or features, was " + rule.metric());
        }
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", problems));
      }
    }

    /** The rule for a track event's name, or null when the event is not mapped. */
    Rule rule(String event) {
      for (Rule rule : events) {
        if (rule.event().equals(event)) {
          return rule;
        }
      }
      return null;
    }

    /** Whether some event counts the metric (else the backend's last figure stands). */
    boolean counts(String metric) {
      return events.stream().anyMatch(r -> metric.equals(r.metric()));
    }
  }

  /**
   * One track event's meaning: exactly one of {@code metric} ({@code logins}, {@code queries} or
   * {@code features}: the event counts towards that weekly figure; for features, the distinct
   * values of the property {@code property}, else of the event name), {@code milestone} (an
   * onboarding milestone), {@code nps} (the property holding the 0..10 score; {@code comment} the
   * comment's) or {@code cancellation} (the property holding the reason).
   */
  record Rule(
      String event,
      String metric,
      String property,
      Milestone milestone,
      String nps,
      String comment,
      String cancellation) {}
}
