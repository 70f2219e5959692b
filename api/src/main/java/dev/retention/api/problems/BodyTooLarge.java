package dev.retention.api.problems;

import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** A request body over the size limit, found while it was read (no Content-Length up front). */
public class BodyTooLarge extends IOException {

  private static final long serialVersionUID = 1L;

  private final long limit;

  public BodyTooLarge(long limit) {
    super("the request body is larger than " + limit + " bytes");
    this.limit = limit;
  }

  public ProblemDetail problem() {
    return of(limit);
  }

  public static ProblemDetail of(long limit) {
    return ProblemWriter.problem(
        HttpStatus.CONTENT_TOO_LARGE,
        "Request body too large",
        "the request body is larger than this endpoint takes ("
            + limit
            + " bytes); nothing was"
            + " changed",
        "body");
  }

  /** The BodyTooLarge in a chain of causes, or null. */
  public static BodyTooLarge in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BodyTooLarge tooLarge) {
        return tooLarge;
      }
    }
    return null;
  }
}
