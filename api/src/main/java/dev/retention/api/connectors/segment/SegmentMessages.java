package dev.retention.api.connectors.segment;

import dev.retention.api.problems.ApiProblem;
import dev.retention.data.segment.SegmentStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads Segment messages (the HTTP Tracking API's track, identify and group, one or a batch) and
 * classifies them with the mapping. The whole request is checked before anything is stored: one bad
 * message refuses the request with a 400 naming the field ({@code batch[3].event}), so a sender
 * that fixes it and retries loses nothing and doubles nothing.
 */
final class SegmentMessages {

  static final String TRACK = "track";
  static final String IDENTIFY = "identify";
  static final String GROUP = "group";

  /** Message types Segment sends that say nothing the engine uses: accepted and left out. */
  static final Set<String> IGNORED = Set.of("page", "screen", "alias");

  static final int ID_MAX = 200;
  static final int EVENT_MAX = 200;
  static final int COMMENT_MAX = 2000;

  private SegmentMessages() {}

  /** A request's messages: those to store, and how many were left out (page, screen, alias). */
  record Read(List<SegmentStore.Message> messages, int received, int ignored) {}

  /**
   * One message of {@code type} (null: the message's own {@code type}, for the Webhook
   * destination's single messages), or, for {@code batch}, the {@code batch} array.
   */
  static Read read(JsonNode body, String type, SegmentSettings.Mapping mapping, Instant now) {
    if (body == null || !body.isObject()) {
      throw invalid("", "the body must be a JSON object (a Segment message)");
    }
    List<JsonNode> nodes = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    String batchType = null;
    if ("batch".equals(type)) {
      JsonNode batch = body.path("batch");
      if (!batch.isArray()) {
        throw invalid("batch", "batch must be an array of messages");
      }
      for (int i = 0; i < batch.size(); i++) {
        nodes.add(batch.get(i));
        prefixes.add("batch[" + i + "].");
      }
    } else {
      nodes.add(body);
      prefixes.add("");
      batchType = type;
    }
    // A messageId seen twice in one request is stored once, like a retry.
    Map<String, SegmentStore.Message> messages = new LinkedHashMap<>();
    int ignored = 0;
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode node = nodes.get(i);
      String at = prefixes.get(i);
      if (node == null || !node.isObject()) {
        throw invalid(
            at.isEmpty() ? "" : at.substring(0, at.length() - 1),
            "a message must be a JSON object");
      }
      String kind = text(node, "type", at, 20);
      if (kind == null) {
        if (batchType == null) {
          throw invalid(
              at + "type",
              "type is missing: track, identify, group (page, screen and alias are accepted and left out)");
        }
        kind = batchType;
      } else if (batchType != null && !batchType.equals(kind)) {
        throw invalid(
            at + "type", "type is " + kind + " but this is the " + batchType + " endpoint");
      }
      if (IGNORED.contains(kind)) {
        ignored++;
        continue;
      }
      if (!Set.of(TRACK, IDENTIFY, GROUP).contains(kind)) {
        throw invalid(
            at + "type", "type must be track, identify, group, page, screen or alias, was " + kind);
      }
      SegmentStore.Message message = message(node, kind, at, mapping, now);
      messages.putIfAbsent(message.messageId(), message);
    }
    return new Read(List.copyOf(messages.values()), nodes.size(), ignored);
  }

  private static SegmentStore.Message message(
      JsonNode node, String kind, String at, SegmentSettings.Mapping mapping, Instant now) {
    String userId = text(node, "userId", at, ID_MAX);
    String anonymousId = text(node, "anonymousId", at, ID_MAX);
    if (userId == null && anonymousId == null) {
      throw invalid(at + "userId", "every message needs a userId or an anonymousId");
    }
    String groupId = text(node, "groupId", at, ID_MAX);
    if (groupId == null) {
      groupId = text(node.path("context"), "groupId", at + "context.", ID_MAX);
    }
    if (GROUP.equals(kind) && groupId == null) {
      throw invalid(at + "groupId", "a group call needs a groupId");
    }
    String messageId = text(node, "messageId", at, ID_MAX);
    if (messageId == null) {
      // Segment's libraries always set one; without it, the message's own content stands in, so
      // a retried identical message is still one.
      messageId = "sha256:" + sha256(node.toString());
    }
    Instant when = timestamp(node, at, now);
    JsonNode properties = object(node, "properties", at);
    JsonNode traits = object(node, "traits", at);
    if (traits.isMissingNode()) {
      traits = object(node.path("context"), "traits", at + "context.");
    }
    Tracked tracked = TRACK.equals(kind) ? tracked(node, at, mapping, properties) : NOT_TRACKED;
    String customerTrait = null;
    Double planUsage = null;
    Integer openTickets = null;
    if (!TRACK.equals(kind)) {
      customerTrait = text(traits, mapping.customerTrait(), at + "traits.", ID_MAX);
      if (GROUP.equals(kind)) {
        planUsage = planUsage(traits, at, mapping);
        openTickets = openTickets(traits, at, mapping);
      }
    }
    return new SegmentStore.Message(
        messageId,
        kind,
        tracked.event(),
        userId,
        anonymousId,
        groupId,
        customerTrait,
        when,
        tracked.metric(),
        tracked.feature(),
        tracked.effect(),
        properties.isMissingNode() ? null : properties.toString(),
        planUsage,
        openTickets);
  }

  /** A track call's event and what the mapping makes of it: a metric, a feature or an effect. */
  private record Tracked(String event, String metric, String feature, String effect) {}

  private static final Tracked NOT_TRACKED = new Tracked(null, null, null, null);

  private static Tracked tracked(
      JsonNode node, String at, SegmentSettings.Mapping mapping, JsonNode properties) {
    String event = text(node, "event", at, EVENT_MAX);
    if (event == null || event.isBlank()) {
      throw invalid(at + "event", "a track call needs the event's name");
    }
    String metric = null;
    String feature = null;
    String effect = null;
    SegmentSettings.Rule rule = mapping.rule(event);
    if (rule != null) {
      if (rule.metric() != null) {
        metric = rule.metric();
        if (SegmentStore.FEATURES.equals(metric)) {
          feature =
              rule.property() == null
                  ? event
                  : text(properties, rule.property(), at + "properties.", EVENT_MAX);
          if (feature == null) {
            feature = event;
          }
        }
      } else if (rule.milestone() != null) {
        effect = "milestone:" + rule.milestone().name();
      } else if (rule.nps() != null) {
        checkNpsAnswer(event, rule, properties, at);
        effect = "nps";
      } else if (rule.cancellation() != null) {
        text(properties, rule.cancellation(), at + "properties.", COMMENT_MAX);
        effect = "cancellation";
      }
    }
    return new Tracked(event, metric, feature, effect);
  }

  /** An event mapped to an NPS answer: a whole score 0..10 and a comment within its limit. */
  private static void checkNpsAnswer(
      String event, SegmentSettings.Rule rule, JsonNode properties, String at) {
    JsonNode score = properties.path(rule.nps());
    if (!score.isNumber()
        || score.doubleValue() != Math.rint(score.doubleValue())
        || score.doubleValue() < 0
        || score.doubleValue() > 10) {
      throw invalid(
          at + "properties." + rule.nps(),
          "event '"
              + event
              + "' is mapped to an NPS answer: properties."
              + rule.nps()
              + " must be a whole number 0..10");
    }
    if (rule.comment() != null) {
      String comment = text(properties, rule.comment(), at + "properties.", Integer.MAX_VALUE);
      if (comment != null && comment.length() > COMMENT_MAX) {
        throw invalid(
            at + "properties." + rule.comment(),
            "the NPS comment may be at most " + COMMENT_MAX + " characters");
      }
    }
  }

  private static Double planUsage(JsonNode traits, String at, SegmentSettings.Mapping mapping) {
    if (mapping.planUsageTrait() == null || !traits.has(mapping.planUsageTrait())) {
      return null;
    }
    JsonNode usage = traits.path(mapping.planUsageTrait());
    if (!usage.isNumber() || usage.doubleValue() < 0 || usage.doubleValue() > 1) {
      throw invalid(
          at + "traits." + mapping.planUsageTrait(), "the plan usage trait must be a number 0..1");
    }
    return usage.doubleValue();
  }

  private static Integer openTickets(JsonNode traits, String at, SegmentSettings.Mapping mapping) {
    if (mapping.openTicketsTrait() == null || !traits.has(mapping.openTicketsTrait())) {
      return null;
    }
    JsonNode tickets = traits.path(mapping.openTicketsTrait());
    if (!tickets.isIntegralNumber() || tickets.longValue() < 0 || tickets.longValue() > 1_000_000) {
      throw invalid(
          at + "traits." + mapping.openTicketsTrait(),
          "the open tickets trait must be a whole number 0..1000000");
    }
    return tickets.intValue();
  }

  /** The message's timestamp (ISO-8601), not later than now; now when it has none. */
  private static Instant timestamp(JsonNode node, String at, Instant now) {
    String iso = text(node, "timestamp", at, 64);
    if (iso == null) {
      return now;
    }
    Instant when;
    try {
      when = OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeParseException e) {
      throw invalid(
          at + "timestamp", "timestamp must be an ISO-8601 date-time, e.g. 2026-12-06T14:03:00Z");
    }
    return when.isAfter(now) ? now : when;
  }

  /** An object field, or a missing node; anything else (but null) is a 400. */
  private static JsonNode object(JsonNode node, String field, String at) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return tools.jackson.databind.node.MissingNode.getInstance();
    }
    if (!value.isObject()) {
      throw invalid(at + field, field + " must be a JSON object");
    }
    return value;
  }

  /** A string or number field as text, null when absent or null; anything else is a 400. */
  private static String text(JsonNode node, String field, String at, int max) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    String text;
    if (value.isString()) {
      text = value.stringValue();
    } else if (value.isNumber()) {
      text = value.asString();
    } else {
      throw invalid(at + field, field + " must be a string");
    }
    if (text.length() > max) {
      throw invalid(at + field, field + " may be at most " + max + " characters");
    }
    if (text.isEmpty()) {
      return null;
    }
    return text;
  }

  private static ApiProblem invalid(String field, String detail) {
    return ApiProblem.invalid(field.isEmpty() ? null : field, detail);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}
