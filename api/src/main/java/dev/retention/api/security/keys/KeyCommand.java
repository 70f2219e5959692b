package dev.retention.api.security.keys;

import dev.retention.api.security.Scope;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code create-key --name=backend --scopes=events:write,read}: makes an integration key from the
 * command line, against the configured database, before any key exists (no server is started, no
 * worker polls). The key is printed once on standard output; only its hash is stored.
 */
public final class KeyCommand {

  private KeyCommand() {}

  public static boolean isCommand(String[] args) {
    return args.length > 0 && "create-key".equals(args[0]);
  }

  public static int run(Class<?> application, String[] args) {
    PrintStream out = System.out;
    String name = option(args, "--name=", "command-line key");
    String scopeList = option(args, "--scopes=", null);
    if (scopeList == null) {
      System.err.println(
          "usage: create-key --name=<name> --scopes=<comma-separated scopes of "
              + Scope.ids()
              + ">");
      return 2;
    }
    Set<Scope> scopes;
    try {
      scopes = AdminController.scopes(Arrays.asList(scopeList.split(",")));
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    SpringApplication app = new SpringApplication(application);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setDefaultProperties(
        Map.of("spring.temporal.start-workers", "false", "retention.demo-data.enabled", "false"));
    String[] rest = Arrays.stream(args).skip(1).filter(a -> !isOwnOption(a)).toArray(String[]::new);
    try (ConfigurableApplicationContext context = app.run(rest)) {
      ApiKeys.NewKey key = context.getBean(ApiKeys.class).create(name, scopes, "command line");
      out.println(
          "integration key "
              + key.info().id()
              + " ("
              + name
              + ", scopes "
              + key.info().scopes()
              + "):");
      out.println(key.key());
      out.flush();
      return 0;
    }
  }

  private static boolean isOwnOption(String arg) {
    return List.of("--name=", "--scopes=").stream().anyMatch(arg::startsWith);
  }

  private static String option(String[] args, String prefix, String fallback) {
    return Arrays.stream(args)
        .filter(a -> a.startsWith(prefix))
        .map(a -> a.substring(prefix.length()))
        .findFirst()
        .orElse(fallback);
  }
}
