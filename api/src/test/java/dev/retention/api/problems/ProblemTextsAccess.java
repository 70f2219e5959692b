package dev.retention.api.problems;

import java.util.List;
import java.util.stream.Stream;

/** The message keys of {@link ProblemTexts}' patterns, for tests in other packages. */
public final class ProblemTextsAccess {

  private ProblemTextsAccess() {}

  /** Problem texts said from {@code messages}. */
  public static ProblemTexts texts(org.springframework.context.MessageSource messages) {
    return new ProblemTexts(messages);
  }

  public static List<String> keys() {
    return Stream.concat(ProblemTexts.TITLES.stream(), ProblemTexts.DETAILS.stream())
        .map(ProblemTexts.Text::key)
        .distinct()
        .toList();
  }
}
