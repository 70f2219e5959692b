package dev.retention.api;

import dev.retention.api.security.keys.KeyCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Retention playbooks: the REST API, the Temporal worker, and (by default) an embedded runtime. */
@SpringBootApplication(scanBasePackages = "dev.retention")
@ConfigurationPropertiesScan("dev.retention")
@EnableScheduling
public class RetentionApplication {

  public static void main(String[] args) {
    if (KeyCommand.isCommand(args)) {
      System.exit(KeyCommand.run(RetentionApplication.class, args));
    }
    SpringApplication.run(RetentionApplication.class, args);
  }
}
