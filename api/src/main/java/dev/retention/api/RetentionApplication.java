package dev.retention.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Retention playbooks: the REST API, the Temporal worker, and (by default) an embedded runtime. */
@SpringBootApplication(scanBasePackages = "dev.retention")
@ConfigurationPropertiesScan("dev.retention")
public class RetentionApplication {

  public static void main(String[] args) {
    SpringApplication.run(RetentionApplication.class, args);
  }
}
