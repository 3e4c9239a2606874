# syntax=docker/dockerfile:1.19.0
# Sluice as a container: built with Maven, run as a non-root user on a JRE. docker-compose.yml builds it as `app`.

# Exact versions (observability/check.sh checks them). The build stage's tag still follows JDK 17's patch releases:
# that changes the compiler, not what runs.
FROM maven:3.9.12-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
COPY src ./src
# The cache mount keeps ~/.m2 between builds, so a code change does not download the dependencies again.
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests package

FROM eclipse-temurin:17.0.18_8-jre
# curl is for the compose healthcheck (GET /readyz); the base image does not promise it. The user gets a home:
# camel-cli-connector keeps its state under ~/.camel.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home --home-dir /home/sluice --shell /usr/sbin/nologin sluice
WORKDIR /app
COPY --from=build /build/target/sluice-0.1.0-SNAPSHOT.jar /app/sluice.jar
# The routes the image was built with; docker-compose.yml mounts ./routes-yaml over them so operators' edits
# need a restart, not a rebuild.
COPY routes-yaml /app/routes-yaml
ENV SLUICE_ROUTES_DIR=/app/routes-yaml
USER sluice
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/sluice.jar"]
