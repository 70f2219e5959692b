package dev.retention.data.definitions;

import java.util.ArrayList;
import java.util.List;

/** The lines one text keeps, removes and adds against another (a longest common subsequence). */
public final class LineDiff {

  /** One line of a diff: {@code ' '} kept, {@code '-'} removed, {@code '+'} added. */
  public record Line(char op, String text) {
    @Override
    public String toString() {
      return op + text;
    }
  }

  private LineDiff() {}

  /** The diff from {@code before} to {@code after}, line by line. */
  public static List<Line> of(String before, String after) {
    List<String> a = before.lines().toList();
    List<String> b = after.lines().toList();
    int[][] common = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        common[i][j] =
            a.get(i).equals(b.get(j))
                ? common[i + 1][j + 1] + 1
                : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<Line> lines = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() && j < b.size()) {
      if (a.get(i).equals(b.get(j))) {
        lines.add(new Line(' ', a.get(i)));
        i++;
        j++;
      } else if (common[i + 1][j] >= common[i][j + 1]) {
        lines.add(new Line('-', a.get(i++)));
      } else {
        lines.add(new Line('+', b.get(j++)));
      }
    }
    while (i < a.size()) {
      lines.add(new Line('-', a.get(i++)));
    }
    while (j < b.size()) {
      lines.add(new Line('+', b.get(j++)));
    }
    return lines;
  }
}
