package dev.retention.api.playbooks.dryrun;

import dev.retention.api.console.ConsoleDryRun;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's dry-run panel plays through the same path as {@code POST /api/playbooks/dry-run}:
 * the same checks (the definition's problems with their pointers, the events, the customer's
 * ownership), the same environments, the same answer.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleDryRunConfiguration {

  @Bean
  ConsoleDryRun.Engine consoleDryRunEngine(DryRunController api, JsonMapper json) {
    return body ->
        json.convertValue(
            api.dryRun(json.convertValue(body, DryRunController.DryRunRequest.class)),
            new TypeReference<Map<String, Object>>() {});
  }
}
