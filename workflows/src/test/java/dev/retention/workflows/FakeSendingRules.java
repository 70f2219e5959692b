package dev.retention.workflows;

import dev.retention.workflows.ports.SendSlot;
import dev.retention.workflows.ports.SendSlotRequest;
import dev.retention.workflows.ports.SendingRulesActivities;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory stand-in for the sending rules: business hours 09:00–17:00 Monday to Friday in the
 * customer's timezone, and one reserved slot per customer per local day, idempotent per workflow +
 * step. Records every request it gets. The reasons use the same words as the real activity.
 */
public final class FakeSendingRules implements SendingRulesActivities {

  public static final LocalTime OPENS = LocalTime.of(9, 0);
  public static final LocalTime CLOSES = LocalTime.of(17, 0);

  private final Map<String, ZoneId> zones;
  private final List<SendSlotRequest> requests = new CopyOnWriteArrayList<>();
  private final List<SendSlotRequest> released = new CopyOnWriteArrayList<>();
  private final Map<String, SendSlot> byStep = new HashMap<>();
  private final Set<String> takenDays = new HashSet<>();

  /** Customers and their timezones; an unknown customer is a test bug. */
  public FakeSendingRules(Map<String, ZoneId> zones) {
    this.zones = Map.copyOf(zones);
  }

  @Override
  public synchronized SendSlot reserveSendSlot(SendSlotRequest request) {
    requests.add(request);
    String key = request.workflowId() + "#" + request.step();
    SendSlot reserved = byStep.get(key);
    if (reserved != null) {
      return reserved;
    }
    ZoneId zone = zones.get(request.customerId());
    if (zone == null) {
      throw new IllegalArgumentException("no timezone for " + request.customerId());
    }
    Instant at = nextBusinessMoment(request.earliest(), zone);
    boolean capped = false;
    if (request.dailyCap()) {
      while (!takenDays.add(request.customerId() + "#" + at.atZone(zone).toLocalDate())) {
        capped = true;
        LocalDate nextDay = at.atZone(zone).toLocalDate().plusDays(1);
        at = nextBusinessMoment(nextDay.atTime(OPENS).atZone(zone).toInstant(), zone);
      }
    }
    SendSlot slot;
    if (!at.isAfter(request.earliest())) {
      slot = new SendSlot(at, null);
    } else if (capped) {
      slot = new SendSlot(at, "the daily email cap (one automated email per customer per day)");
    } else {
      slot =
          new SendSlot(
              at, "business hours (" + OPENS + "-" + CLOSES + " on weekdays, " + zone + ")");
    }
    byStep.put(key, slot);
    return slot;
  }

  @Override
  public synchronized void releaseSendSlot(SendSlotRequest request) {
    released.add(request);
    SendSlot slot = byStep.remove(request.workflowId() + "#" + request.step());
    ZoneId zone = zones.get(request.customerId());
    if (slot != null && zone != null) {
      takenDays.remove(request.customerId() + "#" + slot.at().atZone(zone).toLocalDate());
    }
  }

  /** Every released slot, in order. */
  public List<SendSlotRequest> released() {
    return List.copyOf(released);
  }

  /** Every request so far, in order. */
  public List<SendSlotRequest> requests() {
    return List.copyOf(requests);
  }

  private static Instant nextBusinessMoment(Instant from, ZoneId zone) {
    ZonedDateTime t = from.atZone(zone);
    while (true) {
      boolean weekday =
          t.getDayOfWeek() != DayOfWeek.SATURDAY && t.getDayOfWeek() != DayOfWeek.SUNDAY;
      if (weekday && t.toLocalTime().isBefore(OPENS)) {
        return t.toLocalDate().atTime(OPENS).atZone(zone).toInstant();
      }
      if (weekday && t.toLocalTime().isBefore(CLOSES)) {
        return t.toInstant();
      }
      t = t.toLocalDate().plusDays(1).atTime(OPENS).atZone(zone);
    }
  }
}
