package io.dbautopilot.model;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The build produces a Jandex index so Quarkus sees the records without indexing the jar itself. */
class JandexIndexTest {

    @Test
    void indexIsOnTheClasspathAndNamesTheRecords() throws Exception {
        try (InputStream in = MetricSnapshot.class.getClassLoader().getResourceAsStream("META-INF/jandex.idx")) {
            assertNotNull(in, "META-INF/jandex.idx is missing: is the jandex-maven-plugin bound?");
            byte[] bytes = in.readAllBytes();
            assertTrue(bytes.length > 4, "index is empty");
            // Jandex files start with the magic number 0xBABE1F15.
            assertTrue((bytes[0] & 0xff) == 0xBA && (bytes[1] & 0xff) == 0xBE && (bytes[2] & 0xff) == 0x1F
                    && (bytes[3] & 0xff) == 0x15, "not a Jandex index");
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            for (String name : new String[] {"AnomalyEvent", "MetricSnapshot", "OperationEvent", "RecommendationEvent", "HealthSummary"}) {
                assertTrue(text.contains(name), name + " is not in the index");
            }
        }
    }
}
