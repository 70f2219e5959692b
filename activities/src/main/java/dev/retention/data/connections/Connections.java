package dev.retention.data.connections;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Every connector's {@link Connection}, by name, as the connections page lists them. */
@Component
public class Connections {

  private final List<Connection> all;

  public Connections(List<Connection> connections) {
    this.all =
        connections.stream()
            .sorted(Comparator.comparing(c -> c.name().toLowerCase(Locale.ROOT)))
            .toList();
  }

  public List<Connection> all() {
    return all;
  }

  public Optional<Connection> find(String id) {
    return all.stream().filter(c -> c.id().equals(id)).findFirst();
  }
}
