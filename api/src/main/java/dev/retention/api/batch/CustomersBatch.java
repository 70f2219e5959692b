package dev.retention.api.batch;

import dev.retention.api.input.Ids;
import dev.retention.data.customers.Customer;
import dev.retention.data.customers.CustomerDirectory;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * {@code POST /api/customers/batch}: each record checked as {@code PUT /api/customers/{id}} checks
 * it (id, fields, IANA timezone, a known CSM), then the good ones created or replaced in one
 * statement. A customer given twice in one batch is refused the second time (the first counts).
 */
@Service
class CustomersBatch {

  private final CustomerDirectory directory;

  CustomersBatch(CustomerDirectory directory) {
    this.directory = directory;
  }

  record Result(int received, int created, int updated, List<BatchBody.Rejected> rejected) {}

  Result upsert(BatchBody.Read<CustomerRecord> read) {
    List<BatchBody.Rejected> rejected = new ArrayList<>(read.rejected());
    Set<String> csms =
        directory.existingCsms(read.accepted().stream().map(r -> r.value().csmId()).toList());
    Map<String, Integer> firstIndex = new HashMap<>();
    List<Customer> customers = new ArrayList<>();
    Map<String, CustomerDirectory.Commercials> commercials = new HashMap<>();
    for (BatchBody.Indexed<CustomerRecord> record : read.accepted()) {
      CustomerRecord r = record.value();
      String problem = null;
      String field = null;
      if (!Ids.valid(r.customerId())) {
        field = "customerId";
        problem = "customerId must be 1-64 characters of letters, digits, '.', '_' or '-'";
      } else if (firstIndex.containsKey(r.customerId())) {
        field = "customerId";
        problem =
            "customer "
                + r.customerId()
                + " is given earlier in this batch, at index "
                + firstIndex.get(r.customerId());
      } else if (!validZone(r.timezone())) {
        field = "timezone";
        problem = "timezone must be an IANA zone such as Europe/Amsterdam, was " + r.timezone();
      } else if (r.renewalDate() != null
          && (r.renewalDate().getYear() < 2000 || r.renewalDate().getYear() > 2100)) {
        field = "renewalDate";
        problem = "renewalDate must be in the years 2000 to 2100";
      } else if (!csms.contains(r.csmId())) {
        field = "csmId";
        problem = "csmId " + r.csmId() + " is unknown; create it with PUT /api/csms/{csmId} first";
      }
      if (problem != null) {
        rejected.add(
            new BatchBody.Rejected(
                record.index(), Ids.valid(r.customerId()) ? r.customerId() : null, field, problem));
        continue;
      }
      firstIndex.put(r.customerId(), record.index());
      if (r.renewalDate() != null || r.arr() != null) {
        commercials.put(
            r.customerId(), new CustomerDirectory.Commercials(r.renewalDate(), r.arr()));
      }
      customers.add(
          new Customer(
              r.customerId(),
              r.name().strip(),
              r.email(),
              r.csmId(),
              r.plan(),
              r.mrr(),
              r.planUsageLimit(),
              r.timezone(),
              r.locale()));
    }
    rejected.sort(Comparator.comparingInt(BatchBody.Rejected::index));
    Set<String> created = customers.isEmpty() ? Set.of() : directory.upsertCustomers(customers);
    directory.setCommercials(commercials);
    return new Result(read.received(), created.size(), customers.size() - created.size(), rejected);
  }

  private static boolean validZone(String zone) {
    try {
      ZoneId.of(zone);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }
}
