package dev.retention.api.runtime;

import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import java.math.BigDecimal;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Demo CSMs and customers for the README's walk-through. Seeding is idempotent: ids are fixed and
 * written with upserts, so starting again leaves one copy (and restores edited demo rows).
 */
@Component
@Order(10)
@ConditionalOnProperty(name = "retention.demo-data.enabled", havingValue = "true")
class DemoData implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(DemoData.class);

  static final List<Csm> CSMS =
      List.of(
          new Csm("csm-petra", "Petra de Vries", "petra@example.com", "lena.manager@example.com"),
          new Csm("csm-sam", "Sam Okafor", "sam@example.com", "lena.manager@example.com"));

  static final List<Customer> CUSTOMERS =
      List.of(
          new Customer(
              "c-42",
              "Globex",
              "ops@globex.example",
              "csm-petra",
              "Growth",
              new BigDecimal("490.00"),
              10000,
              "Europe/Amsterdam",
              "nl"),
          new Customer(
              "c-7",
              "Initech",
              "admin@initech.example",
              "csm-petra",
              "Starter",
              new BigDecimal("99.00"),
              2000,
              "America/New_York",
              "en"),
          new Customer(
              "c-99",
              "Umbrella",
              "it@umbrella.example",
              "csm-sam",
              "Business",
              new BigDecimal("1490.00"),
              50000,
              "Europe/London",
              "en"));

  private final CustomerDirectory directory;

  DemoData(CustomerDirectory directory) {
    this.directory = directory;
  }

  @Override
  public void run(ApplicationArguments args) {
    CSMS.forEach(directory::upsertCsm);
    CUSTOMERS.forEach(directory::upsertCustomer);
    log.info(
        "demo data ready: CSMs {} and customers {}",
        CSMS.stream().map(Csm::id).toList(),
        CUSTOMERS.stream().map(Customer::id).toList());
  }
}
