package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Paths of the repository and YAML/JSON reading for the deploy checks. */
final class Repo {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The two services: module directory = service name = Prometheus job name. */
    static final List<String> SERVICES = List.of("performance-service", "database-automation-service");

    private Repo() {
    }

    static Path root() {
        return Path.of(System.getProperty("dbautopilot.root", "../..")).toAbsolutePath().normalize();
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    /** The packaged application of a service, or a failure saying how to build it. */
    static Path quarkusApp(String service) {
        Path app = path(service + "/target/quarkus-app");
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            throw new AssertionError(app + "/quarkus-run.jar is missing: package the services first "
                    + "(./mvnw -B verify builds them before this module; or ./mvnw -B -DskipTests package).");
        }
        return app;
    }

    /** Every document of a (multi-document) YAML file; fails naming the file when it does not parse. */
    static List<JsonNode> yamlDocuments(Path file) {
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            List<JsonNode> docs = new ArrayList<>();
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Files under a directory of the repository whose names end with one of the suffixes. */
    static List<Path> files(String dir, String... suffixes) {
        try (Stream<Path> s = Files.walk(path(dir))) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(suffixes).anyMatch(x -> p.getFileName().toString().endsWith(x)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
