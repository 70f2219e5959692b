package dev.retention.api.problems;

/** The paging parameters every paged list takes: {@code page} from 0, {@code size} 1..200. */
public final class Paging {

  public static final int MAX_SIZE = 200;
  public static final int MAX_PAGE = 100_000;

  private Paging() {}

  public static void check(int page, int size) {
    if (page < 0 || page > MAX_PAGE) {
      throw ApiProblem.invalid("page", "page must be between 0 and " + MAX_PAGE);
    }
    if (size < 1 || size > MAX_SIZE) {
      throw ApiProblem.invalid("size", "size must be between 1 and " + MAX_SIZE);
    }
  }
}
