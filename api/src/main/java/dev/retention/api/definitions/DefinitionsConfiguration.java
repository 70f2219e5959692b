package dev.retention.api.definitions;

import dev.retention.workflows.engine.DefinitionValidator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

/** The definition checks, with the email templates the app ships. */
@Configuration(proxyBeanMethods = false)
class DefinitionsConfiguration {

  /** Checks definitions; an email's template must exist in every locale the playbook uses. */
  @Bean
  DefinitionValidator definitionValidator() {
    return new DefinitionValidator(
        (locale, name) ->
            !name.contains("..")
                && new ClassPathResource("templates/email/" + locale + "/" + name + ".txt")
                    .exists());
  }
}
