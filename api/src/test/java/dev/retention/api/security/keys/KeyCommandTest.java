package dev.retention.api.security.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.RetentionApplication;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code create-key} makes a key from the command line, with no web server and no workers. */
class KeyCommandTest {

  @Test
  void createKey_printsTheKeyOnce_andExitsZero() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      status =
          KeyCommand.run(
              RetentionApplication.class,
              new String[] {
                "create-key",
                "--name=backend",
                "--scopes=events:write,read",
                "--retention.embedded-postgres.data-dir=",
                "--logging.level.root=warn"
              });
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(status).isZero();
    assertThat(out).contains("scopes [events:write, read]");
    assertThat(out).containsPattern("(?m)^rpk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$");
  }

  @Test
  void createKey_withoutScopes_orWithAnUnknownOne_isAUsageError() {
    assertThat(KeyCommand.run(RetentionApplication.class, new String[] {"create-key"}))
        .isEqualTo(2);
    assertThat(
            KeyCommand.run(
                RetentionApplication.class, new String[] {"create-key", "--scopes=everything"}))
        .isEqualTo(2);
  }
}
