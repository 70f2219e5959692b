package dev.retention.api.playbooks;

import dev.retention.api.problems.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a page of {@code GET /api/playbooks} ended: the last run's start and run id, opaque to
 * clients (base64url). The next page holds the runs after it in the list's order, so paging is
 * stable while new runs start.
 */
public record RunCursor(Instant startedAt, String runId) {

  public String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((startedAt + "|" + runId).getBytes(StandardCharsets.UTF_8));
  }

  public static RunCursor decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int bar = text.indexOf('|');
      if (bar < 0) {
        throw invalid();
      }
      return new RunCursor(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
    } catch (IllegalArgumentException | DateTimeException e) {
      throw invalid();
    }
  }

  private static ApiProblem invalid() {
    return ApiProblem.invalid(
        "cursor",
        "cursor is not one this API gave out; use the X-Next-Cursor header of the previous page");
  }
}
