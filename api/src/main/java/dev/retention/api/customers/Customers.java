package dev.retention.api.customers;

import dev.retention.api.input.Ids;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import org.springframework.stereotype.Service;

/** The customer a request names, or a 404. */
@Service
public class Customers {

  private final CustomerDirectory directory;
  private final Access access;

  Customers(CustomerDirectory directory, Access access) {
    this.directory = directory;
    this.access = access;
  }

  /** The customer, if its id is valid and the caller may see it (403 / 404 otherwise). */
  public Customer owned(String customerId) {
    Ids.check("customerId", customerId);
    access.customer(customerId);
    return get(customerId);
  }

  public Customer get(String customerId) {
    return directory
        .findCustomer(customerId)
        .orElseThrow(() -> ApiProblem.notFound("Customer", "no customer " + customerId));
  }
}
