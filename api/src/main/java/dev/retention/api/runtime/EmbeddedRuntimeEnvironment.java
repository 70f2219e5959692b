package dev.retention.api.runtime;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Decides between the embedded runtime (the default: nothing to install) and real servers. Without
 * {@code TEMPORAL_ADDRESS} the Temporal SDK's in-process test server is used; without {@code
 * SPRING_DATASOURCE_URL} an embedded PostgreSQL is started. Setting either switches that part off.
 */
public class EmbeddedRuntimeEnvironment implements EnvironmentPostProcessor, Ordered {

  static final String SOURCE = "retentionEmbeddedRuntime";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
    Map<String, Object> decided = new HashMap<>();
    String temporal = env.getProperty("TEMPORAL_ADDRESS");
    if (StringUtils.hasText(temporal)) {
      decided.put("spring.temporal.connection.target", temporal);
      decided.put("spring.temporal.test-server.enabled", "false");
    } else if (!env.containsProperty("spring.temporal.test-server.enabled")) {
      decided.put("spring.temporal.test-server.enabled", "true");
    }
    String namespace = env.getProperty("TEMPORAL_NAMESPACE");
    if (StringUtils.hasText(namespace)) {
      decided.put("spring.temporal.namespace", namespace);
    }
    boolean externalDatabase = StringUtils.hasText(env.getProperty("spring.datasource.url"));
    decided.put("retention.embedded-postgres.enabled", Boolean.toString(!externalDatabase));
    env.getPropertySources().addFirst(new MapPropertySource(SOURCE, decided));
  }

  @Override
  public int getOrder() {
    // After application.yaml and the environment have been read.
    return Ordered.LOWEST_PRECEDENCE;
  }
}
