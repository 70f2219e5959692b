package dev.retention.api.meetings;

import dev.retention.data.email.Communications;
import dev.retention.data.ledger.MeetingBookings;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Which customer a meeting's invitee belongs to: the customer whose own or contact's address it is;
 * else the one customer with an address at the invitee's domain. Several, none, or a free email
 * provider's domain (which names no company) match nobody.
 */
@Component
class Invitees {

  /** Free email providers: an address there says nothing about the company. */
  static final Set<String> FREE_MAIL =
      Set.of(
          "gmail.com",
          "googlemail.com",
          "outlook.com",
          "hotmail.com",
          "live.com",
          "msn.com",
          "yahoo.com",
          "icloud.com",
          "me.com",
          "aol.com",
          "proton.me",
          "protonmail.com",
          "gmx.com",
          "gmx.net",
          "web.de",
          "mail.com",
          "zoho.com",
          "yandex.com",
          "hey.com");

  /** How an invitee was matched, or why not. */
  record Match(String customerId, String by, String reason) {
    static final String ADDRESS = "address";
    static final String DOMAIN = "domain";

    static Match none(String reason) {
      return new Match(null, null, reason);
    }

    boolean matched() {
      return customerId != null;
    }
  }

  private final Communications communications;
  private final MeetingBookings bookings;

  Invitees(Communications communications, MeetingBookings bookings) {
    this.communications = communications;
    this.bookings = bookings;
  }

  Match match(String email) {
    List<String> byAddress = communications.customerIdsByAddress(email);
    if (byAddress.size() == 1) {
      return new Match(byAddress.getFirst(), Match.ADDRESS, null);
    }
    if (byAddress.size() > 1) {
      return Match.none(
          "ambiguous: the invitee's address belongs to "
              + byAddress.size()
              + " customers (their own or a contact's)");
    }
    String domain = domain(email);
    if (FREE_MAIL.contains(domain)) {
      return Match.none(
          "unknown: no customer or contact has the invitee's address, and its domain is a free"
              + " email provider's");
    }
    List<String> byDomain = bookings.customerIdsByDomain(domain, 2);
    if (byDomain.size() == 1) {
      return new Match(byDomain.getFirst(), Match.DOMAIN, null);
    }
    if (byDomain.isEmpty()) {
      return Match.none(
          "unknown: no customer or contact has the invitee's address or an address at its"
              + " domain");
    }
    return Match.none(
        "ambiguous: several customers have addresses at the invitee's domain; add the invitee as"
            + " a contact of theirs");
  }

  /** The part after the last '@', lower case. */
  static String domain(String email) {
    return email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
  }

  /** Whether this reads as an address: something, one '@', a domain with a dot. */
  static boolean address(String email) {
    int at = email.lastIndexOf('@');
    return at > 0
        && at == email.indexOf('@')
        && email.indexOf('.', at) > at + 1
        && !email.endsWith(".")
        && email.chars().noneMatch(c -> c <= ' ' || c == 0x7f);
  }
}
