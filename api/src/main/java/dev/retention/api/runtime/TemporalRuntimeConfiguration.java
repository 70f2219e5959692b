package dev.retention.api.runtime;

import dev.retention.workflows.contract.RunSearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.testing.TestEnvironmentOptions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The Temporal side of the runtime: the embedded test server runs on a real clock (a 14-day timer
 * must not fire at once) and knows our search attributes; a real server gets them registered.
 */
@Configuration(proxyBeanMethods = false)
class TemporalRuntimeConfiguration {

  private static final Logger log = LoggerFactory.getLogger(TemporalRuntimeConfiguration.class);

  static final List<String> KEYWORD_ATTRIBUTES = RunSearchAttributes.KEYWORDS;

  /** Only where the in-process server is on the classpath (not in the production build). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = EmbeddedRuntimeEnvironment.IN_PROCESS_CLASS)
  static class InProcess {

    @Bean
    @ConditionalOnProperty(name = "spring.temporal.test-server.enabled", havingValue = "true")
    TemporalOptionsCustomizer<TestEnvironmentOptions.Builder> embeddedTemporalOnRealClock() {
      return builder -> {
        builder.setUseTimeskipping(false);
        KEYWORD_ATTRIBUTES.forEach(
            name ->
                builder.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
        return builder;
      };
    }
  }

  @Bean
  @Order(0)
  @ConditionalOnProperty(name = "spring.temporal.test-server.enabled", havingValue = "false")
  ApplicationRunner registerSearchAttributes(
      WorkflowServiceStubs service, @Value("${spring.temporal.namespace}") String namespace) {
    return args -> {
      OperatorServiceStubs operator =
          OperatorServiceStubs.newServiceStubs(
              OperatorServiceStubsOptions.newBuilder()
                  .setChannel(service.getRawChannel())
                  .validateAndBuildWithDefaults());
      try {
        var existing =
            operator
                .blockingStub()
                .listSearchAttributes(
                    ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
                .getCustomAttributesMap();
        Map<String, IndexedValueType> missing =
            KEYWORD_ATTRIBUTES.stream()
                .filter(name -> !existing.containsKey(name))
                .collect(
                    Collectors.toMap(n -> n, n -> IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
        if (!missing.isEmpty()) {
          operator
              .blockingStub()
              .addSearchAttributes(
                  AddSearchAttributesRequest.newBuilder()
                      .setNamespace(namespace)
                      .putAllSearchAttributes(missing)
                      .build());
          log.info("registered search attributes {} in namespace {}", missing.keySet(), namespace);
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
          log.warn(
              "could not register search attributes {} ({}); register them on the server",
              KEYWORD_ATTRIBUTES,
              e.getStatus());
        }
      } finally {
        operator.shutdown();
      }
    };
  }
}
