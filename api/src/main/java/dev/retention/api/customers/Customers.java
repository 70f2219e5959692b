package dev.retention.api.customers;

import dev.retention.activities.customers.Customer;
import dev.retention.activities.customers.CustomerDirectory;
import dev.retention.api.problems.ApiProblem;
import org.springframework.stereotype.Service;

/** The customer a request names, or a 404. */
@Service
public class Customers {

  private final CustomerDirectory directory;

  Customers(CustomerDirectory directory) {
    this.directory = directory;
  }

  public Customer get(String customerId) {
    return directory
        .findCustomer(customerId)
        .orElseThrow(() -> ApiProblem.notFound("Customer", "no customer " + customerId));
  }
}
