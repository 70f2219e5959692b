package dev.retention.api.input;

import dev.retention.api.problems.ApiProblem;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A request value that must be one of a fixed set (an enum's values, mostly): the value, or a 400
 * on the field whose detail names the valid ones: {@code unknown playbook x; playbooks are [...]}.
 */
public final class OneOf {

  private OneOf() {}

  /** One of an enum's constants, by {@link Enum#name()}. */
  public static <E extends Enum<E>> E parse(
      String field, String value, String what, String plural, E[] values) {
    return parse(field, value, what, plural, values, Enum::name);
  }

  /** One of the given values, by the name {@code id} gives each. */
  public static <T> T parse(
      String field,
      String value,
      String what,
      String plural,
      T[] values,
      Function<? super T, String> id) {
    return Arrays.stream(values)
        .filter(candidate -> id.apply(candidate).equals(value))
        .findFirst()
        .orElseThrow(
            () -> {
              List<String> valid = Arrays.stream(values).map(id).toList();
              return ApiProblem.invalid(
                  field, "unknown " + what + " " + value + "; " + plural + " are " + valid);
            });
  }
}
