# Retention playbooks: the Spring Boot app (the api module) as a container image.
#
#   docker build -t retention-playbooks .
#   docker compose up --build        # with PostgreSQL, Temporal and the Temporal UI
#
# The image holds the production build (Maven profile `production`), without the development
# runtime: it needs TEMPORAL_ADDRESS and SPRING_DATASOURCE_URL; docker-compose.yml sets both.
# RETENTION_ROLE=api|worker|both (default both) lets API and workers scale apart.

########## Build stage ##########
FROM eclipse-temurin:21-jdk AS build
WORKDIR /workspace

# Dependencies first, for layer caching: with only the poms present, `test-compile`
# resolves every module's compile and test dependencies and the build plugins, without
# needing the modules' own artifacts (`dependency:go-offline` cannot do that in this
# reactor: it tries to download the sibling modules). Best effort only: the real build
# below is what must succeed.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY workflows/pom.xml workflows/
COPY activities/pom.xml activities/
COPY api/pom.xml api/
RUN chmod +x mvnw && (./mvnw -B -q -DskipTests test-compile || true)

COPY workflows/ workflows/
COPY activities/ activities/
COPY api/ api/
# The production flavour: no embedded PostgreSQL binaries, no in-process Temporal (~83 MB instead
# of ~168 MB); it needs TEMPORAL_ADDRESS and SPRING_DATASOURCE_URL, which docker-compose.yml sets.
RUN ./mvnw -B -q -DskipTests -Pproduction package \
    && cp api/target/retention-playbooks.jar /workspace/retention-playbooks.jar

########## Runtime stage ##########
FROM eclipse-temurin:21-jre AS runtime

# curl is only for the health check (the compose file uses it too).
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && mkdir -p /app \
    && chown app:app /app

WORKDIR /app
COPY --from=build --chown=app:app /workspace/retention-playbooks.jar /app/retention-playbooks.jar
COPY --chown=app:app bin/run-jar /app/run-jar

USER app
EXPOSE 8080

HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=6 \
    CMD curl -fsS http://localhost:8080/actuator/health || exit 1

# Started from the unpacked jar with the JDK's class cache (bin/run-jar: a CDS archive on this JRE
# 21, written into /app/fast-start when the first container stops, used from the next start on).
# Extra JVM flags: set JAVA_OPTS.
ENV RETENTION_JAR=/app/retention-playbooks.jar \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["/app/run-jar"]
