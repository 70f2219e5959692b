package dev.retention.api.runtime;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;

/**
 * Lets the app build its context while the Temporal dev server it launched comes up: every bean
 * that talks to Temporal (service stubs, clients, worker factories) depends on a bean that waits
 * until the server listens, so the waiting happens once, as late as it can, instead of before
 * Spring starts. A server that exits or does not listen within a minute fails the start with its
 * log's path, as before.
 */
final class DevServerServing implements BeanDefinitionRegistryPostProcessor {

  static final String BEAN = "temporalDevServerServing";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final List<Class<?>> TEMPORAL_TYPES =
      List.of(
          WorkflowServiceStubs.class,
          OperatorServiceStubs.class,
          WorkflowClient.class,
          WorkerFactory.class);

  private final TemporalDevServer server;

  DevServerServing(TemporalDevServer server) {
    this.server = server;
  }

  /** The marker bean; creating it waits for the server. */
  record Serving(String address) {}

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    RootBeanDefinition serving = new RootBeanDefinition(Serving.class, this::awaitServing);
    serving.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
    registry.registerBeanDefinition(BEAN, serving);
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    for (Class<?> type : TEMPORAL_TYPES) {
      for (String name : beanFactory.getBeanNamesForType(type, true, false)) {
        if (!beanFactory.containsBeanDefinition(name)) {
          continue;
        }
        BeanDefinition definition = beanFactory.getBeanDefinition(name);
        List<String> dependsOn =
            new ArrayList<>(
                definition.getDependsOn() == null
                    ? List.of()
                    : Arrays.asList(definition.getDependsOn()));
        if (!dependsOn.contains(BEAN)) {
          dependsOn.add(BEAN);
          definition.setDependsOn(dependsOn.toArray(String[]::new));
        }
      }
    }
  }

  private Serving awaitServing() {
    try {
      server.awaitServing(TIMEOUT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Serving(server.address());
  }
}
