package dev.retention.api.input;

import dev.retention.api.problems.ApiProblem;
import java.util.regex.Pattern;

/** Ids in paths become parts of workflow ids: keep them short and plain. */
public final class Ids {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private Ids() {}

  /** Whether the id is one the API takes (as {@link #check} does, without throwing). */
  public static boolean valid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  public static String check(String field, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw ApiProblem.invalid(
          field,
          field
              + " must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit");
    }
    return id;
  }
}
