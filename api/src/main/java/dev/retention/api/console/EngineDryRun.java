package dev.retention.api.console;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The console's dry-run through whatever {@link ConsoleDryRun.Engine} bean the app has (the dry-run
 * service of {@code POST /api/playbooks/dry-run}); none: not available.
 */
@Component
class EngineDryRun implements ConsoleDryRun {

  /** The event types the dry-run knows, as the API names them. */
  static final Set<String> TYPES =
      Set.of("customer-responded", "outcome", "health", "milestone", "upgraded");

  /** Keys of a timeline entry shown in their own columns, not among its details. */
  private static final Set<String> COLUMNS = Set.of("offset", "day", "at", "kind");

  private static final int MAX_EVENTS = 50;

  private final ObjectProvider<ConsoleDryRun.Engine> engines;

  EngineDryRun(ObjectProvider<ConsoleDryRun.Engine> engines) {
    this.engines = engines;
  }

  @Override
  public boolean available() {
    return engines.getIfAvailable() != null;
  }

  @Override
  public Result run(String playbook, String customerId, String events, String yaml) {
    List<Map<String, Object>> parsed = events(events);
    ConsoleDryRun.Engine engine = engines.getIfAvailable();
    if (engine == null) {
      throw new IllegalStateException("no dry-run engine in this app");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("playbook", playbook);
    body.put("customerId", customerId);
    body.put("events", parsed);
    body.put("yaml", yaml);
    return result(engine.dryRun(body));
  }

  /** The events, one a line: an offset (ISO-8601, P3D or PT6H), a type and its value. */
  static List<Map<String, Object>> events(String text) {
    List<Map<String, Object>> events = new ArrayList<>();
    if (text == null) {
      return events;
    }
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Map<String, Object> event = event(line, i + 1);
      events.add(event);
      if (events.size() > MAX_EVENTS) {
        throw new IllegalArgumentException("at most " + MAX_EVENTS + " events");
      }
    }
    return events;
  }

  /** One line's event: its offset, type and value; line {@code number} names it in problems. */
  private static Map<String, Object> event(String line, int number) {
    String[] words = line.split("\\s+", 4);
    if (words.length < 2) {
      throw new IllegalArgumentException(
          "line " + number + ": give an offset and a type, e.g. P3D customer-responded");
    }
    String at = words[0].toUpperCase(Locale.ROOT);
    try {
      Duration.parse(at);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "line " + number + ": " + words[0] + " is not an offset such as P3D or PT6H", e);
    }
    String type = words[1].toLowerCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "line "
              + number
              + ": "
              + words[1]
              + " is not one of "
              + String.join(", ", TYPES.stream().sorted().toList()));
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("at", at);
    event.put("type", type);
    putValue(event, type, words, number);
    return event;
  }

  /** The event's value (the words after its type), by type. */
  private static void putValue(Map<String, Object> event, String type, String[] words, int number) {
    String value = words.length > 2 ? words[2] : null;
    String rest = words.length > 3 ? words[3] : null;
    switch (type) {
      case "outcome" -> {
        if (value == null) {
          throw new IllegalArgumentException(
              "line " + number + ": an outcome needs its name, e.g. P5D outcome SAVED");
        }
        event.put("outcome", value.toUpperCase(Locale.ROOT));
        if (rest != null) {
          event.put("note", rest);
        }
      }
      case "health" -> {
        try {
          event.put("score", Integer.parseInt(value == null ? "" : value));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "line " + number + ": a health event needs a score, e.g. P2D health 35", e);
        }
      }
      case "milestone" -> {
        if (value == null) {
          throw new IllegalArgumentException(
              "line " + number + ": a milestone needs its name, e.g. P4D milestone FIRST_QUERY");
        }
        event.put("milestone", value.toUpperCase(Locale.ROOT));
      }
      case "upgraded" -> {
        if (value != null) {
          event.put("plan", rest == null ? value : value + " " + rest);
        }
      }
      default -> {
        if (value != null) {
          event.put("note", rest == null ? value : value + " " + rest);
        }
      }
    }
  }

  /** The engine's answer as rows: offset, day, time and kind in columns, the rest as words. */
  static Result result(Map<String, Object> answer) {
    List<Row> rows = new ArrayList<>();
    if (answer.get("entries") instanceof List<?> timeline) {
      for (Object item : timeline) {
        if (!(item instanceof Map<?, ?> entry)) {
          continue;
        }
        StringBuilder details = new StringBuilder();
        entry.forEach(
            (k, v) -> {
              if (v != null && !COLUMNS.contains(String.valueOf(k))) {
                details.append(details.isEmpty() ? "" : "; ").append(k).append(": ").append(v);
              }
            });
        rows.add(
            new Row(
                text(entry.get("offset")),
                text(entry.get("day")),
                text(entry.get("at")),
                text(entry.get("kind")),
                details.toString()));
      }
    }
    return new Result(
        rows,
        text(answer.get("status")),
        text(answer.get("stage")),
        text(answer.get("outcome")),
        text(answer.get("outcomeReason")));
  }

  private static String text(Object value) {
    return value == null ? "" : String.valueOf(value);
  }
}
