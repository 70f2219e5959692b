package dev.retention.activities.email.templates;

import dev.retention.activities.email.EmailProperties;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** The variables every email template gets: the product's, the customer's and the CSM's. */
@Component
public class EmailVariables {

  private final String productName;

  @Autowired
  public EmailVariables(EmailProperties email) {
    this(email.productName());
  }

  public EmailVariables(String productName) {
    this.productName = productName;
  }

  /** The standard variables plus the step's own (which win on a clash). */
  public Map<String, String> of(Customer customer, Csm csm, Map<String, String> step) {
    Map<String, String> vars = new HashMap<>();
    vars.put("product", productName);
    vars.put("customer.id", customer.id());
    vars.put("customer.name", customer.name());
    vars.put("customer.plan", customer.plan());
    vars.put("csm.name", csm.name());
    vars.put("csm.email", csm.email());
    if (step != null) {
      vars.putAll(step);
    }
    return vars;
  }
}
