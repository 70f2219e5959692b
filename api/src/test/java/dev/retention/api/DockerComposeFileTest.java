package dev.retention.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Static checks of docker-compose.yml and the Dockerfile at the repository root: no Docker engine
 * is needed, the files are parsed and their wiring is asserted. Plain JUnit, no Spring.
 */
class DockerComposeFileTest {

  private static final List<String> SEARCH_ATTRIBUTES =
      List.of("Playbook", "CustomerId", "CsmId", "Stage", "PlaybookVersion");

  private static Path root;
  private static Map<String, Object> services;

  @BeforeAll
  static void parseComposeFile() throws IOException {
    root = projectRoot();
    String text = Files.readString(root.resolve("docker-compose.yml"));
    Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    assertThat(document).as("docker-compose.yml top level").isInstanceOf(Map.class);
    services = map(((Map<?, ?>) document).get("services"), "services");
  }

  /** Maven runs a module's tests with the module as working directory; IDEs may use the root. */
  private static Path projectRoot() {
    for (Path candidate : List.of(Path.of(".."), Path.of("."))) {
      if (Files.isRegularFile(candidate.resolve("docker-compose.yml"))) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw new AssertionError(
        "docker-compose.yml not found in "
            + Path.of("..").toAbsolutePath().normalize()
            + " nor in "
            + Path.of(".").toAbsolutePath().normalize());
  }

  @Test
  void definesTheFiveServices() {
    assertThat(services)
        .containsKeys(
            "postgresql",
            "temporal-schema",
            "temporal",
            "temporal-admin-tools",
            "temporal-ui",
            "app",
            "worker");
  }

  /**
   * The production shape has no secrets of its own: each one is a required variable ({@code
   * ${NAME:?message}}), so compose refuses to start without it and says which; no fallback value.
   */
  @Test
  void everySecretIsRequired_noneIsWrittenInTheFile() {
    Pattern required = Pattern.compile("\\$\\{(RETENTION_[A-Z_]+):\\?[^}]*\\bset \\1\\b[^}]*}");
    Map<String, String> secrets =
        Map.of(
            "postgresql", "POSTGRES_PASSWORD",
            "temporal", "POSTGRES_PWD",
            "temporal-schema", "SQL_PASSWORD",
            "app", "RETENTION_CODEC_KEYS",
            "worker", "RETENTION_UNSUBSCRIBE_SECRET");
    secrets.forEach(
        (service, variable) ->
            assertThat(environment(service(service)).get(variable))
                .as(service + " " + variable)
                .matches(required));
    for (String service : List.of("app", "worker")) {
      Map<String, String> env = environment(service(service));
      for (String variable :
          List.of(
              "SPRING_DATASOURCE_PASSWORD",
              "RETENTION_CODEC_KEYS",
              "RETENTION_UNSUBSCRIBE_SECRET")) {
        assertThat(env.get(variable)).as(service + " " + variable).matches(required);
      }
    }
    services.forEach(
        (name, definition) ->
            environment(map(definition, name))
                .forEach(
                    (variable, value) -> {
                      if (variable.matches(".*(PASSWORD|PWD|SECRET|KEYS?)$")) {
                        assertThat(value)
                            .as("%s %s has a value written in the file", name, variable)
                            .matches("\\$\\{[A-Z_]+(:[?-][^}]*)?}")
                            .doesNotContain(":-local");
                        if (!value.matches("\\$\\{[A-Z_]+(:-)?}")) {
                          assertThat(value).matches(required);
                        }
                      }
                    }));
  }

  @Test
  void oneApiAndTwoWorkers_scaleApartOnTheSameTemporalDatabaseAndKeys() {
    Map<String, Object> app = service("app");
    Map<String, Object> worker = service("worker");
    Map<String, String> apiEnv = environment(app);
    Map<String, String> workerEnv = environment(worker);

    assertThat(apiEnv).containsEntry("RETENTION_ROLE", "api");
    assertThat(workerEnv).containsEntry("RETENTION_ROLE", "worker");
    Object deploy = worker.get("deploy");
    assertThat(deploy).as("worker.deploy").isInstanceOf(Map.class);
    assertThat(String.valueOf(((Map<?, ?>) deploy).get("replicas"))).isEqualTo("2");
    // The same image as the API, no published port (scaled replicas could not share one).
    assertThat(string(worker.get("image"))).isEqualTo(string(app.get("image")));
    assertThat(worker).doesNotContainKey("ports");
    for (String shared :
        List.of(
            "TEMPORAL_ADDRESS",
            "TEMPORAL_NAMESPACE",
            "SPRING_DATASOURCE_URL",
            "SPRING_DATASOURCE_USERNAME",
            "SPRING_DATASOURCE_PASSWORD",
            "RETENTION_CODEC_KEYS",
            "RETENTION_UNSUBSCRIBE_SECRET",
            "RETENTION_PLAYBOOKS_DAY_LENGTH",
            "RETENTION_EMAIL_PROVIDER")) {
      assertThat(workerEnv.get(shared)).as("worker " + shared).isEqualTo(apiEnv.get(shared));
    }
    assertThat(dependsOn(worker))
        .containsEntry("temporal", "service_healthy")
        .containsEntry("postgresql", "service_healthy")
        .containsEntry("temporal-admin-tools", "service_completed_successfully");
    assertThat(String.join(" ", testCommand(worker))).contains("/actuator/health");
  }

  @Test
  void theImageIsTheProductionBuild_withoutTheDevelopmentRuntime() throws IOException {
    String dockerfile = Files.readString(root.resolve("Dockerfile"));
    assertThat(dockerfile).containsPattern("mvnw[^\\n]*-Pproduction[^\\n]*package");
    String pom = Files.readString(root.resolve("api/pom.xml"));
    assertThat(pom)
        .contains("<id>production</id>")
        .contains("io.zonky.test,io.zonky.test.postgres")
        .contains("<artifactId>temporal-testing</artifactId>");
  }

  @Test
  void postgresqlRunsPostgresAndCreatesTheAppDatabase() {
    Map<String, Object> postgresql = service("postgresql");
    assertThat(string(postgresql.get("image"))).startsWith("postgres:");
    assertThat(environment(postgresql)).containsEntry("POSTGRES_DB", "retention");
    assertThat(postgresql).containsKey("healthcheck");
    assertThat(String.join(" ", testCommand(postgresql))).contains("pg_isready");
  }

  @Test
  void temporalRunsItsServerImage_onASchemaSetUpBeforeIt() {
    Map<String, Object> temporal = service("temporal");
    Map<String, String> env = environment(temporal);
    // The server image, not auto-setup (which Temporal ships for development only).
    assertThat(string(temporal.get("image"))).startsWith("temporalio/server:");
    assertThat(env).containsEntry("DB", "postgres12").containsEntry("POSTGRES_SEEDS", "postgresql");
    assertThat(env).containsKeys("POSTGRES_USER", "POSTGRES_PWD");
    assertThat(dependsOn(temporal))
        .containsEntry("temporal-schema", "service_completed_successfully");
    assertThat(publishedPorts(temporal)).contains("7233");
    assertThat(temporal).containsKey("healthcheck");

    // Temporal connects with the credentials the postgres container was started with.
    Map<String, String> postgres = environment(service("postgresql"));
    assertThat(env.get("POSTGRES_USER")).isEqualTo(postgres.get("POSTGRES_USER"));
    assertThat(env.get("POSTGRES_PWD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"));

    // The schema the way Temporal documents it for SQL: both databases created, set up at 0.0
    // and updated to the versioned schema of the image, with the same credentials.
    Map<String, Object> schema = service("temporal-schema");
    assertThat(string(schema.get("image"))).startsWith("temporalio/admin-tools:");
    assertThat(dependsOn(schema)).containsEntry("postgresql", "service_healthy");
    assertThat(environment(schema).get("SQL_PASSWORD"))
        .isEqualTo(postgres.get("POSTGRES_PASSWORD"));
    String script = String.join("\n", strings(schema.get("command")));
    assertThat(script)
        .contains("temporal-sql-tool --plugin postgres12 --ep postgresql")
        .contains("-u " + postgres.get("POSTGRES_USER"))
        .contains("temporal:temporal temporal_visibility:visibility")
        .contains(" create")
        .contains("setup-schema -v 0.0")
        .contains("update-schema -d \"$$schema/$$dir/versioned\"")
        .contains("/etc/temporal/schema/postgresql/v12");
  }

  @Test
  void temporalReadsTheDynamicConfigItMounts_withEagerStartsAndActivities() throws IOException {
    Map<String, Object> temporal = service("temporal");
    String file = environment(temporal).get("DYNAMIC_CONFIG_FILE_PATH");
    assertThat(file).as("DYNAMIC_CONFIG_FILE_PATH").startsWith("config/dynamicconfig/");
    List<String> mounts = strings(temporal.get("volumes"));
    String mount =
        mounts.stream()
            .filter(m -> m.contains(":/etc/temporal/config/dynamicconfig"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no dynamic config mount in " + mounts));
    Path folder = root.resolve(mount.substring(0, mount.indexOf(':'))).normalize();
    Path config = folder.resolve(file.substring("config/dynamicconfig/".length()));
    assertThat(config).as("the mounted dynamic config").isRegularFile();
    Map<?, ?> settings =
        (Map<?, ?>)
            new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(config));
    for (String key :
        List.of("system.enableEagerWorkflowStart", "system.enableActivityEagerExecution")) {
      assertThat(String.valueOf(settings.get(key))).as(key).isEqualTo("[{value=true}]");
    }
  }

  @Test
  void uiIsPublishedOn8233AndTalksToTemporal() {
    Map<String, Object> ui = service("temporal-ui");
    assertThat(string(ui.get("image"))).startsWith("temporalio/ui");
    assertThat(environment(ui)).containsEntry("TEMPORAL_ADDRESS", "temporal:7233");
    assertThat(publishedPorts(ui)).contains("8233");
  }

  /**
   * The UI decodes with the person's console session: its browser code calls the app's codec
   * endpoint, and sends the session cookie there only with include-credentials on (the UI image's
   * TEMPORAL_CODEC_INCLUDE_CREDENTIALS); the app's CORS default names the UI's published origin.
   */
  @Test
  void uiDecodesThroughTheAppsCodecWithThePersonsSession() throws java.io.IOException {
    Map<String, String> ui = environment(service("temporal-ui"));
    assertThat(ui)
        .containsEntry("TEMPORAL_CODEC_ENDPOINT", "http://localhost:8080/codec")
        .containsEntry("TEMPORAL_CODEC_INCLUDE_CREDENTIALS", "true");
    assertThat(environment(service("app"))).doesNotContainKey("RETENTION_CODEC_CORS_ORIGINS");
    assertThat(
            java.nio.file.Files.readString(root.resolve("api/src/main/resources/application.yaml")))
        .contains("cors-origins: ${RETENTION_CODEC_CORS_ORIGINS:http://localhost:8233}");
  }

  @Test
  void appIsBuiltFromTheDockerfileAndWiredToTemporalAndPostgresql() {
    Map<String, Object> app = service("app");

    Object build = app.get("build");
    assertThat(build).as("app.build").isNotNull();
    String context;
    String dockerfile = "Dockerfile";
    if (build instanceof Map<?, ?> buildMap) {
      context = string(buildMap.get("context"));
      if (buildMap.get("dockerfile") != null) {
        dockerfile = string(buildMap.get("dockerfile"));
      }
    } else {
      context = string(build);
    }
    assertThat(root.resolve(context).resolve(dockerfile).normalize())
        .isEqualTo(root.resolve("Dockerfile"));

    assertThat(publishedPorts(app)).contains("8080");
    assertThat(ports(app)).anyMatch(port -> port.endsWith("8080:8080"));

    Map<String, String> env = environment(app);
    assertThat(env).containsEntry("TEMPORAL_ADDRESS", "temporal:7233");
    String database = environment(service("postgresql")).get("POSTGRES_DB");
    assertThat(env.get("SPRING_DATASOURCE_URL"))
        .isEqualTo("jdbc:postgresql://postgresql:5432/" + database);
    assertThat(env).containsKeys("SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD");
    // A real Temporal server needs payload keys, and the UI decodes through the app's codec.
    assertThat(env.get("RETENTION_CODEC_KEYS")).contains("RETENTION_CODEC_KEYS");
    assertThat(environment(service("temporal-ui")))
        .containsEntry("TEMPORAL_CODEC_ENDPOINT", "http://localhost:8080/codec");

    assertThat(dependsOn(app))
        .containsEntry("temporal", "service_healthy")
        .containsEntry("postgresql", "service_healthy")
        .containsEntry("temporal-admin-tools", "service_completed_successfully");

    assertThat(app).containsKey("healthcheck");
    assertThat(String.join(" ", testCommand(app))).contains("8080").contains("/actuator/health");
  }

  @Test
  void everyHealthcheckHasATestCommand() {
    services.forEach(
        (name, definition) -> {
          Map<String, Object> service = map(definition, name);
          if (service.containsKey("healthcheck")) {
            List<String> test = testCommand(service);
            assertThat(test).as("healthcheck.test of " + name).isNotEmpty();
            assertThat(test.get(0)).as("healthcheck.test of " + name).isNotEqualTo("NONE");
            if (test.get(0).equals("CMD") || test.get(0).equals("CMD-SHELL")) {
              assertThat(test).as("healthcheck.test of " + name).hasSizeGreaterThan(1);
            }
          }
        });
  }

  @Test
  void adminToolsRegistersTheFourSearchAttributesAsKeyword() {
    Map<String, Object> adminTools = service("temporal-admin-tools");
    assertThat(string(adminTools.get("image"))).startsWith("temporalio/admin-tools");
    assertThat(dependsOn(adminTools)).containsKey("temporal");
    assertThat(String.join("\n", strings(adminTools.get("command"))))
        .contains("temporal operator namespace create --namespace default --retention");

    String script =
        String.join("\n", strings(adminTools.get("entrypoint")))
            + "\n"
            + String.join("\n", strings(adminTools.get("command")));
    for (String attribute : SEARCH_ATTRIBUTES) {
      Pattern create =
          Pattern.compile(
              "temporal\\s+operator\\s+search-attribute\\s+create\\s[^\\n]*"
                  + "--name\\s+"
                  + attribute
                  + "\\s+--type\\s+Keyword\\b");
      assertThat(create.matcher(script).find())
          .as("admin-tools creates %s as Keyword in:%n%s", attribute, script)
          .isTrue();
    }
    assertThat(script).contains("--namespace default");
  }

  @Test
  void dockerfileBuildsInStagesAndShipsTheAppJar() throws IOException {
    Path dockerfile = root.resolve("Dockerfile");
    assertThat(dockerfile).isRegularFile();
    List<String> lines = Files.readAllLines(dockerfile);

    List<Integer> fromLines = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).stripLeading().toUpperCase(java.util.Locale.ROOT).startsWith("FROM ")) {
        fromLines.add(i);
      }
    }
    assertThat(fromLines).as("FROM stages").hasSizeGreaterThanOrEqualTo(2);

    List<String> finalStage = lines.subList(fromLines.get(fromLines.size() - 1), lines.size());
    assertThat(finalStage)
        .anyMatch(
            line ->
                line.stripLeading().toUpperCase(java.util.Locale.ROOT).startsWith("COPY ")
                    && line.contains("retention-playbooks.jar"));
    assertThat(finalStage)
        .anyMatch(
            line ->
                line.stripLeading().toUpperCase(java.util.Locale.ROOT).startsWith("ENTRYPOINT"));
    assertThat(finalStage).anyMatch(line -> line.strip().equalsIgnoreCase("EXPOSE 8080"));
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static Map<String, Object> service(String name) {
    assertThat(services).containsKey(name);
    return map(services.get(name), name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String what) {
    assertThat(value).as(what).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  private static String string(Object value) {
    return value == null ? null : String.valueOf(value);
  }

  /** A compose string-or-list value (command, entrypoint, healthcheck.test) as a list. */
  private static List<String> strings(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(value));
  }

  /** environment in either compose form: a map, or a list of KEY=VALUE. */
  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    Object value = service.get("environment");
    if (value instanceof Map<?, ?> map) {
      map.forEach(
          (key, val) -> env.put(String.valueOf(key), val == null ? null : String.valueOf(val)));
    } else if (value instanceof List<?> list) {
      for (Object entry : list) {
        String text = String.valueOf(entry);
        int eq = text.indexOf('=');
        env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? null : text.substring(eq + 1));
      }
    }
    return env;
  }

  /** depends_on as service -> condition; the short list form means service_started. */
  private static Map<String, String> dependsOn(Map<String, Object> service) {
    Map<String, String> dependencies = new LinkedHashMap<>();
    Object value = service.get("depends_on");
    if (value instanceof Map<?, ?> map) {
      map.forEach(
          (key, val) -> {
            String condition = "service_started";
            if (val instanceof Map<?, ?> options && options.get("condition") != null) {
              condition = String.valueOf(options.get("condition"));
            }
            dependencies.put(String.valueOf(key), condition);
          });
    } else if (value instanceof List<?> list) {
      list.forEach(entry -> dependencies.put(String.valueOf(entry), "service_started"));
    }
    return dependencies;
  }

  /**
   * ports in short syntax ("[ip:]published:target[/proto]"); long syntax is rendered the same way.
   */
  private static List<String> ports(Map<String, Object> service) {
    List<String> ports = new ArrayList<>();
    Object value = service.get("ports");
    if (value instanceof List<?> list) {
      for (Object entry : list) {
        if (entry instanceof Map<?, ?> port) {
          ports.add(port.get("published") + ":" + port.get("target"));
        } else {
          ports.add(String.valueOf(entry).replaceFirst("/(tcp|udp)$", ""));
        }
      }
    }
    return ports;
  }

  /** The host side of each published port. */
  private static List<String> publishedPorts(Map<String, Object> service) {
    return ports(service).stream()
        .map(port -> port.split(":"))
        .filter(parts -> parts.length >= 2)
        .map(parts -> parts[parts.length - 2])
        .toList();
  }

  private static List<String> testCommand(Map<String, Object> service) {
    Map<String, Object> healthcheck = map(service.get("healthcheck"), "healthcheck");
    return strings(healthcheck.get("test"));
  }
}
