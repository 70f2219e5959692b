package dev.retention.api.security.login;

import dev.retention.api.security.Role;
import dev.retention.api.security.Scope;
import dev.retention.api.security.keys.ApiKeys;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The first credentials. A key given as {@code retention.security.bootstrap-admin-key} (a
 * deployment's way in before any key exists) is registered by its hash. With demo data on (the
 * embedded default), the first start also creates an admin key and logins for the demo people; what
 * was created is handed to the start-up block once and never logged again.
 */
@Component
@Order(20)
public class Credentials implements ApplicationRunner {

  /** A login created on this start, with its password in the clear for the start-up block. */
  public record DemoLogin(String username, String role, String password) {}

  /** What this start created; empty on every later start. */
  public record Created(String adminKey, List<DemoLogin> logins) {
    public boolean isEmpty() {
      return adminKey == null && logins.isEmpty();
    }
  }

  record DemoPerson(String username, String name, String email, Role role, String csmId) {}

  static final List<DemoPerson> DEMO_PEOPLE =
      List.of(
          new DemoPerson("petra", "Petra de Vries", "petra@example.com", Role.CSM, "csm-petra"),
          new DemoPerson("sam", "Sam Okafor", "sam@example.com", Role.CSM, "csm-sam"),
          new DemoPerson("lena", "Lena Manager", "lena.manager@example.com", Role.MANAGER, null),
          new DemoPerson("admin", "Demo Admin", "admin@example.com", Role.ADMIN, null));

  private static final SecureRandom RANDOM = new SecureRandom();

  private final ApiKeys keys;
  private final People people;
  private final PasswordEncoder passwords;
  private final String bootstrapKey;
  private final boolean demo;
  private volatile Created created = new Created(null, List.of());

  Credentials(
      ApiKeys keys,
      People people,
      PasswordEncoder passwords,
      @Value("${retention.security.bootstrap-admin-key:}") String bootstrapKey,
      @Value("${retention.demo-data.enabled:false}") boolean demo) {
    this.keys = keys;
    this.people = people;
    this.passwords = passwords;
    this.bootstrapKey = bootstrapKey;
    this.demo = demo;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (StringUtils.hasText(bootstrapKey)) {
      try {
        keys.registerIfAbsent(bootstrapKey.strip(), "bootstrap admin", EnumSet.of(Scope.ADMIN));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "retention.security.bootstrap-admin-key (RETENTION_BOOTSTRAP_ADMIN_KEY) is not a key: "
                + e.getMessage(),
            e);
      }
    }
    if (!demo) {
      return;
    }
    String adminKey = null;
    if (!keys.anyLiveAdmin()) {
      adminKey = keys.create("demo admin", EnumSet.of(Scope.ADMIN), "first start").key();
    }
    List<DemoLogin> logins = new ArrayList<>();
    for (DemoPerson p : DEMO_PEOPLE) {
      if (people.find(p.username()).isEmpty()) {
        String password = password();
        people.upsert(
            p.username(), p.name(), p.email(), p.role(), p.csmId(), passwords.encode(password));
        if (p.role() == Role.MANAGER) {
          // The demo's CS lead shapes the playbooks (docs/security.md: playbook-editor).
          var unused = people.grantPlaybookEditor(p.username(), true);
        }
        logins.add(new DemoLogin(p.username(), p.role().name(), password));
      }
    }
    created = new Created(adminKey, Collections.unmodifiableList(logins));
  }

  /** What this start created, once: the second call answers nothing, so it is shown only once. */
  public synchronized Created takeCreated() {
    Created once = created;
    created = new Created(null, List.of());
    return once;
  }

  private static String password() {
    String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
