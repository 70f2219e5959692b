package dev.retention.api.support;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Every application context the suite makes runs its workers and starts its runs on a Temporal task
 * queue of its own, named from that context's configuration: {@code retention-playbooks-} and a
 * hash of what makes the context (its classes, its test properties, its {@link
 * DynamicPropertySource} methods, its customizers). Against one real Temporal server (.ci/run's
 * end-to-end pass) every context's workers poll the same server; a worker whose database lacks a
 * run's customer data key cannot decrypt another context's runs, so no context may take another's.
 *
 * <p>Test classes that share a context share its queue; each test JVM adds its own part to the name
 * (Surefire runs the api tests in several JVMs at once, each with its own contexts: {@link
 * #forkSuffix}). A test that sets {@code retention.task-queue} itself (in its test properties or a
 * {@link DynamicPropertySource}) keeps its own: this source ranks below those and above the app's
 * configuration files. Registered in {@code META-INF/spring.factories} (test resources).
 */
public final class ContextTaskQueue implements ContextCustomizerFactory {

  public static final String PROPERTY = "retention.task-queue";
  static final String SOURCE = "retention-context-task-queue";

  /**
   * The names handed out in this JVM, with the context each belongs to: a second context whose
   * description hashes to a name already taken (a customizer the description cannot tell apart)
   * gets the name with a suffix, so two contexts never share a queue.
   */
  private static final Map<String, MergedContextConfiguration> TAKEN = new HashMap<>();

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    return new Customizer(dynamicPropertyMethods(testClass));
  }

  /** The queue for a context of this configuration (the one its workers and client use). */
  public static synchronized String taskQueueOf(MergedContextConfiguration config) {
    String base = "retention-playbooks-" + hash(description(config)) + forkSuffix();
    String name = base;
    for (int n = 2; TAKEN.containsKey(name) && !TAKEN.get(name).equals(config); n++) {
      name = base + "-" + n;
    }
    TAKEN.putIfAbsent(name, config);
    return name;
  }

  /**
   * The test JVM's own part of the name, its process id: Surefire runs the api tests in several
   * JVMs at once, each starting the same contexts, and against one real Temporal server (.ci/run's
   * end-to-end pass) neither may take the other's runs. (Surefire's fork number, tried first, did
   * not reach the JVMs: both JVMs' contexts polled one queue, each failing to decrypt the other's
   * runs.)
   */
  static String forkSuffix() {
    return "-p" + ProcessHandle.current().pid();
  }

  /**
   * What makes the context, in a form that is the same in every JVM (no identity hashes): the parts
   * of the merged configuration Spring's context cache compares.
   */
  static String description(MergedContextConfiguration config) {
    StringBuilder out = new StringBuilder();
    out.append("classes=").append(names(Arrays.asList(config.getClasses()))).append('\n');
    out.append("locations=").append(Arrays.toString(config.getLocations())).append('\n');
    out.append("initializers=")
        .append(names(new ArrayList<>(config.getContextInitializerClasses())))
        .append('\n');
    out.append("profiles=").append(Arrays.toString(config.getActiveProfiles())).append('\n');
    out.append("propertySources=").append(config.getPropertySourceDescriptors()).append('\n');
    out.append("properties=")
        .append(Arrays.toString(config.getPropertySourceProperties()))
        .append('\n');
    Set<String> customizers = new TreeSet<>();
    for (ContextCustomizer customizer : config.getContextCustomizers()) {
      customizers.add(
          customizer instanceof Customizer own
              ? "dynamic-properties" + own.dynamicPropertyMethods
              : customizer.getClass().getName());
    }
    out.append("customizers=").append(customizers).append('\n');
    out.append("loader=").append(config.getContextLoader().getClass().getName()).append('\n');
    if (config.getParent() != null) {
      out.append("parent=").append(description(config.getParent()));
    }
    return out.toString();
  }

  private static String names(List<? extends Class<?>> classes) {
    Set<String> names = new TreeSet<>();
    classes.forEach(type -> names.add(type.getName()));
    return names.toString();
  }

  private static String hash(String description) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(description.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * The test class's {@link DynamicPropertySource} methods (its own, its superclasses', and a
   * {@code @Nested} class's enclosing classes'), as Spring's context cache tells contexts apart by
   * them: the same set of methods makes the same context, and this customizer compares equal
   * exactly then.
   */
  static Set<String> dynamicPropertyMethods(Class<?> testClass) {
    Set<String> methods = new TreeSet<>();
    for (Class<?> type = testClass; type != null; type = enclosingOfNested(type)) {
      for (Class<?> level = type; level != null && level != Object.class; ) {
        for (Method method : level.getDeclaredMethods()) {
          if (Modifier.isStatic(method.getModifiers())
              && method.isAnnotationPresent(DynamicPropertySource.class)) {
            methods.add(level.getName() + "#" + method.getName());
          }
        }
        level = level.getSuperclass();
      }
    }
    return methods;
  }

  /** A {@code @Nested} (inner) test class inherits its enclosing class's configuration. */
  private static Class<?> enclosingOfNested(Class<?> type) {
    return type.isMemberClass() && !Modifier.isStatic(type.getModifiers())
        ? type.getEnclosingClass()
        : null;
  }

  /** Adds the context's queue below the test's own properties and above the app's files. */
  static final class Customizer implements ContextCustomizer {

    final Set<String> dynamicPropertyMethods;

    Customizer(Set<String> dynamicPropertyMethods) {
      this.dynamicPropertyMethods = Set.copyOf(dynamicPropertyMethods);
    }

    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration config) {
      add(context.getEnvironment(), taskQueueOf(config));
    }

    static void add(ConfigurableEnvironment environment, String taskQueue) {
      MutablePropertySources sources = environment.getPropertySources();
      MapPropertySource queue = new MapPropertySource(SOURCE, Map.of(PROPERTY, taskQueue));
      // Below the test's inlined and dynamic properties and the JVM's own settings, which come
      // first; above application.yaml and the test resources' application.properties.
      String env = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
      if (sources.contains(env)) {
        sources.addAfter(env, queue);
      } else {
        sources.addLast(queue);
      }
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Customizer that
          && dynamicPropertyMethods.equals(that.dynamicPropertyMethods);
    }

    @Override
    public int hashCode() {
      return dynamicPropertyMethods.hashCode();
    }

    @Override
    public String toString() {
      return "ContextTaskQueue" + dynamicPropertyMethods;
    }
  }
}
