package dev.retention.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.test.context.BootstrapUtils;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * The suite's contexts each get a task queue of their own ({@link ContextTaskQueue}), read from the
 * merged configuration Spring's context cache keys them by; no context is started here.
 */
class ContextTaskQueueTest {

  /** One of the suite's test classes (package-private in their own packages). */
  static Class<?> suiteClass(String name) {
    try {
      return Class.forName("dev.retention.api." + name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  static MergedContextConfiguration configOf(Class<?> testClass) {
    return BootstrapUtils.resolveTestContextBootstrapper(testClass)
        .buildMergedContextConfiguration();
  }

  static String queueOf(Class<?> testClass) {
    return ContextTaskQueue.taskQueueOf(configOf(testClass));
  }

  @Test
  void everyContextOfTheSuite_hasAQueueOfItsOwn_andClassesSharingAContextShareIt() {
    String plain = queueOf(suiteClass("playbooks.PlaybookApiTest"));
    String skippedClock = queueOf(suiteClass("AtRiskEndToEndTest"));
    String connectors = queueOf(suiteClass("connectors.hubspot.HubSpotApiTest"));
    String worker = queueOf(suiteClass("runtime.WorkerRoleTest"));

    assertThat(queueOf(suiteClass("customers.CustomerApiTest"))).isEqualTo(plain);
    assertThat(queueOf(suiteClass("email.SendGridWebhookApiTest"))).isEqualTo(skippedClock);
    assertThat(queueOf(suiteClass("connectors.ConnectedEndToEndTest"))).isEqualTo(connectors);

    List<String> queues = List.of(plain, skippedClock, connectors, worker);
    assertThat(Set.copyOf(queues)).hasSize(4);
    // None is the app's own default, which a worker of another context could poll.
    assertThat(queues).allMatch(q -> q.startsWith("retention-playbooks-"));
  }

  @Test
  void theName_isTheSameInEveryJvm_noIdentityHashInWhatItIsMadeFrom() {
    for (Class<?> testClass :
        List.of(
            suiteClass("playbooks.PlaybookApiTest"),
            suiteClass("AtRiskEndToEndTest"),
            suiteClass("connectors.hubspot.HubSpotApiTest"))) {
      String description = ContextTaskQueue.description(configOf(testClass));
      assertThat(description).doesNotContainPattern("@[0-9a-f]{5,}").contains("properties=[");
    }
    assertThat(
            ContextTaskQueue.description(configOf(suiteClass("connectors.hubspot.HubSpotApiTest"))))
        .contains(WithConnectors.class.getName() + "#connectors");
  }

  /** A customizer whose state the description leaves out (it names a customizer by its class). */
  record Marker(String value) implements ContextCustomizer {
    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration config) {}
  }

  @Test
  void twoContextsWhoseDescriptionsMatch_stillGetTwoQueues() {
    MergedContextConfiguration plain = configOf(suiteClass("playbooks.PlaybookApiTest"));
    MergedContextConfiguration one = withCustomizer(plain, new Marker("one"));
    MergedContextConfiguration other = withCustomizer(plain, new Marker("other"));
    assertThat(other).isNotEqualTo(one);
    assertThat(ContextTaskQueue.description(other)).isEqualTo(ContextTaskQueue.description(one));

    assertThat(ContextTaskQueue.taskQueueOf(other)).isNotEqualTo(ContextTaskQueue.taskQueueOf(one));
    assertThat(ContextTaskQueue.taskQueueOf(withCustomizer(plain, new Marker("one"))))
        .isEqualTo(ContextTaskQueue.taskQueueOf(one));
  }

  private static MergedContextConfiguration withCustomizer(
      MergedContextConfiguration config, ContextCustomizer customizer) {
    Set<ContextCustomizer> customizers = new HashSet<>(config.getContextCustomizers());
    customizers.add(customizer);
    return new MergedContextConfiguration(
        config.getTestClass(),
        config.getLocations(),
        config.getClasses(),
        config.getContextInitializerClasses(),
        config.getActiveProfiles(),
        config.getPropertySourceDescriptors(),
        config.getPropertySourceProperties(),
        customizers,
        config.getContextLoader(),
        null,
        config.getParent());
  }

  /**
   * The app in this context: its property, its worker and the task queue a run it starts is on are
   * the context's own queue, and the worker on it runs the run's first step.
   */
  static void assertTheAppUsesItsContextsQueue(
      Class<?> testClass, int port, WorkerFactory workers, WorkflowClient client, String property) {
    String expected = queueOf(testClass);
    assertThat(property).isEqualTo(expected);
    assertThat(workers.getWorker(expected)).isNotNull();
    assertThatThrownBy(() -> workers.getWorker("retention-playbooks"))
        .isInstanceOf(IllegalArgumentException.class);

    HttpApi api = new HttpApi(port);
    String customer = api.newCustomer("own-queue");
    AtRiskRuns.start(api, customer);
    assertThat(client.newUntypedWorkflowStub("at-risk-" + customer).describe().getTaskQueue())
        .isEqualTo(expected);
  }

  @Test
  void theQueue_ranksAboveTheAppsFiles_andBelowATestsOwnSetting() {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addLast(
            new MapPropertySource(
                "application.yaml", Map.of(ContextTaskQueue.PROPERTY, "retention-playbooks")));
    ContextTaskQueue.Customizer.add(environment, "retention-playbooks-0123456789");
    assertThat(environment.getProperty(ContextTaskQueue.PROPERTY))
        .isEqualTo("retention-playbooks-0123456789");

    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "Inlined Test Properties", Map.of(ContextTaskQueue.PROPERTY, "set-by-the-test")));
    assertThat(environment.getProperty(ContextTaskQueue.PROPERTY)).isEqualTo("set-by-the-test");
    assertThat(
            environment.getPropertySources().stream()
                .map(source -> source.getName())
                .collect(Collectors.toList()))
        .containsSubsequence(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            ContextTaskQueue.SOURCE,
            "application.yaml");
  }
}
