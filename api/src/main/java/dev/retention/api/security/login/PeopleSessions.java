package dev.retention.api.security.login;

import dev.retention.api.security.Caller;
import dev.retention.api.security.Callers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

/**
 * People's login sessions. They live in PostgreSQL (Spring Session JDBC, tables {@code
 * spring_session*}), so every instance serves the same sessions and ending one ends it everywhere
 * at once; each is indexed by its person ({@code person:<username>}, the authentication's name), so
 * all of a person's sessions can be ended when the login is disabled or gets a new password.
 *
 * <p>Only people have sessions: {@link #contexts()} never saves an integration key's security
 * context, so a key's call opens no session and no cookie ever carries a key.
 */
@Component
public class PeopleSessions {

  private static final Logger log = LoggerFactory.getLogger(PeopleSessions.class);

  private final ObjectProvider<FindByIndexNameSessionRepository<? extends Session>> store;

  /**
   * The store exists where people log in (a web application); a process without a web server (the
   * {@code create-key} command) has none, and nothing there ends sessions.
   */
  PeopleSessions(ObjectProvider<FindByIndexNameSessionRepository<? extends Session>> store) {
    this.store = store;
  }

  /** Ends every session of the person, on every instance; answers how many there were. */
  public int endAll(String username) {
    FindByIndexNameSessionRepository<? extends Session> sessions =
        store.getIfAvailable(
            () -> {
              throw new IllegalStateException("this process has no session store");
            });
    var open = sessions.findByPrincipalName(Caller.personActor(username));
    open.keySet().forEach(sessions::deleteById);
    if (!open.isEmpty()) {
      log.info("ended {} session(s) of login {}", open.size(), username);
    }
    return open.size();
  }

  /** Security contexts kept in the HTTP session (so in PostgreSQL), people's only. */
  static SecurityContextRepository contexts() {
    return new PeopleOnly(new HttpSessionSecurityContextRepository());
  }

  private record PeopleOnly(SecurityContextRepository sessions)
      implements SecurityContextRepository {

    @Override
    public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
      return sessions.loadDeferredContext(request);
    }

    @Override
    @SuppressWarnings("deprecation")
    public SecurityContext loadContext(HttpRequestResponseHolder holder) {
      return sessions.loadContext(holder);
    }

    /** A key's context is this request's only: it is never written into a session. */
    @Override
    public void saveContext(
        SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
      if (Callers.of(context.getAuthentication()).map(Caller::isKey).orElse(false)) {
        return;
      }
      sessions.saveContext(context, request, response);
    }

    @Override
    public boolean containsContext(HttpServletRequest request) {
      return sessions.containsContext(request);
    }
  }
}
