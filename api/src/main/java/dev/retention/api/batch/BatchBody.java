package dev.retention.api.batch;

import dev.retention.api.problems.ApiProblem;
import dev.retention.api.problems.BodyTooLarge;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a batch body, a JSON array of records or NDJSON (one record per line), record by record
 * with the API's strict JSON rules, and validates each record on its own: a record of the wrong
 * shape or with a bad field is rejected by index (its position among the records, from 0) with the
 * field and the reason, and the others go on. JSON that cannot be read at all (an array that is not
 * well-formed, a key given twice inside an array element) refuses the whole request; in NDJSON
 * every line stands alone, so even that rejects only its own record.
 */
final class BatchBody {

  static final String NDJSON = "application/x-ndjson";
  static final int MAX_RECORDS = 10_000;

  /** A record that was refused: where, which field, and why. */
  record Rejected(int index, String customerId, String field, String reason) {}

  /** The records that passed, with their indexes, and those that did not. */
  record Read<T>(List<Indexed<T>> accepted, List<Rejected> rejected, int received) {}

  record Indexed<T>(int index, T value) {}

  private BatchBody() {}

  static <T> Read<T> read(
      InputStream in,
      String contentType,
      Class<T> type,
      JsonMapper json,
      Validator validator,
      java.util.function.Function<T, String> customerId)
      throws IOException {
    List<Indexed<JsonNode>> nodes = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    boolean ndjson =
        contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith(NDJSON);
    if (ndjson) {
      readLines(in, json, nodes, rejected);
    } else {
      readArray(in, json, nodes);
    }
    int received = nodes.size() + rejected.size();
    List<Indexed<T>> accepted = new ArrayList<>();
    for (Indexed<JsonNode> node : nodes) {
      String id =
          node.value().path("customerId").isString()
              ? node.value().path("customerId").asString()
              : null;
      if (!node.value().isObject()) {
        rejected.add(new Rejected(node.index(), null, null, "a record must be a JSON object"));
        continue;
      }
      T value;
      try {
        value = json.treeToValue(node.value(), type);
      } catch (JacksonException e) {
        // Binding errors, and numbers out of their type's range (a count past 2^31 - 1).
        String field = field(e);
        rejected.add(
            new Rejected(
                node.index(),
                printable(id),
                field,
                field == null
                    ? String.valueOf(e.getOriginalMessage())
                    : field
                        + " has a value of the wrong type or is not a property of a record: "
                        + e.getOriginalMessage()));
        continue;
      }
      List<ConstraintViolation<T>> violations =
          validator.validate(value).stream()
              .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
              .toList();
      if (!violations.isEmpty()) {
        ConstraintViolation<T> first = violations.getFirst();
        String field = first.getPropertyPath().toString();
        rejected.add(
            new Rejected(
                node.index(),
                printable(customerId.apply(value)),
                field,
                field + " " + first.getMessage()));
        continue;
      }
      accepted.add(new Indexed<>(node.index(), value));
    }
    rejected.sort(Comparator.comparingInt(Rejected::index));
    return new Read<>(accepted, rejected, received);
  }

  private static void readArray(InputStream in, JsonMapper json, List<Indexed<JsonNode>> nodes) {
    // Elements one at a time: what follows an element is the array's business, not the element's.
    ObjectReader elements =
        json.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    try (JsonParser parser = json.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw ApiProblem.invalid(
            "body",
            "the body must be a JSON array of records (or NDJSON with Content-Type "
                + NDJSON
                + ")");
      }
      int index = 0;
      for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; ) {
        if (token == null) {
          throw ApiProblem.invalid("body", "the JSON array ends early, after record " + index);
        }
        tooMany(index);
        try {
          nodes.add(new Indexed<>(index, elements.readValue(parser)));
        } catch (JacksonException e) {
          throw unreadable(e, "record " + index + " is not valid JSON: ");
        }
        index++;
        token = parser.nextToken();
      }
      if (parser.nextToken() != null) {
        throw ApiProblem.invalid("body", "nothing may follow the JSON array");
      }
    } catch (JacksonException e) {
      throw unreadable(e, "the body is not valid JSON: ");
    }
  }

  private static void readLines(
      InputStream in, JsonMapper json, List<Indexed<JsonNode>> nodes, List<Rejected> rejected)
      throws IOException {
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    int index = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      tooMany(index);
      try {
        nodes.add(new Indexed<>(index, json.readTree(line)));
      } catch (JacksonException e) {
        rejected.add(
            new Rejected(index, null, field(e), "not valid JSON: " + e.getOriginalMessage()));
      }
      index++;
    }
  }

  /** A body past its size limit stays a 413; anything else unreadable is a 400. */
  private static RuntimeException unreadable(JacksonException e, String what) {
    BodyTooLarge tooLarge = BodyTooLarge.in(e);
    if (tooLarge != null) {
      return new UncheckedBodyTooLarge(tooLarge);
    }
    return ApiProblem.invalid("body", what + e.getOriginalMessage());
  }

  /** Carries a BodyTooLarge out of code that cannot throw it; the controller unwraps it. */
  static final class UncheckedBodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UncheckedBodyTooLarge(BodyTooLarge cause) {
      super(cause);
    }

    BodyTooLarge tooLarge() {
      return (BodyTooLarge) getCause();
    }
  }

  private static void tooMany(int index) {
    if (index >= MAX_RECORDS) {
      throw ApiProblem.invalid(
          "body", "a batch holds at most " + MAX_RECORDS + " records; split it into several");
    }
  }

  private static String field(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }

  /** A customer id to echo back only when it is one plain line (never a control character). */
  private static String printable(String id) {
    return id != null && id.length() <= 64 && id.chars().noneMatch(Character::isISOControl)
        ? id
        : null;
  }
}
