package dev.retention.activities.testing;

import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import dev.retention.data.ledger.RunCancellations;
import java.math.BigDecimal;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** A CSM and the customers she owns. */
public final class Fixtures {

  public static final Csm PETRA =
      new Csm(
          "csm-petra", "Petra Novak", "petra.novak@retention.test", "lena.manager@retention.test");

  public static final Customer ACME =
      new Customer(
          "c-42",
          "Acme Analytics",
          "ops@acme.test",
          PETRA.id(),
          "Growth",
          new BigDecimal("499.00"),
          1000,
          "Europe/Prague",
          "en");

  public static final Customer GLOBEX =
      new Customer(
          "c-7",
          "Globex",
          "it@globex.test",
          PETRA.id(),
          "Starter",
          new BigDecimal("99.00"),
          200,
          "America/New_York",
          "en");

  /** Petra with Acme and Globex. */
  public static void petraWithCustomers(CustomerDirectory directory) {
    directory.upsertCsm(PETRA);
    directory.upsertCustomer(ACME);
    directory.upsertCustomer(GLOBEX);
  }

  private Fixtures() {}

  /** The stopped runs, on the test database. */
  public static RunCancellations cancellations(DataSource dataSource) {
    return new RunCancellations(
        JdbcClient.create(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
  }
}
