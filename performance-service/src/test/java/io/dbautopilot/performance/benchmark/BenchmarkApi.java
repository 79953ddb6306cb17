package io.dbautopilot.performance.benchmark;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.time.Duration;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The benchmark API as the tests use it: start a run, wait for it, read a step's metric. */
final class BenchmarkApi {

    private BenchmarkApi() {
    }

    /** Starts a run of the target (202, running) and returns its id. */
    static String start(String target, String body) {
        return RestAssured.given().contentType(ContentType.JSON).body(body)
                .post("/api/targets/" + target + "/benchmarks").then().statusCode(202)
                .body("status", org.hamcrest.Matchers.equalTo("running")).extract().path("id");
    }

    /** Polls the run until it is as wanted; fails with its last state when it is not within the time. */
    static JsonPath awaitRun(String target, String run, Duration within, Predicate<JsonPath> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        JsonPath last = null;
        while (System.nanoTime() < deadline) {
            last = RestAssured.get("/api/targets/" + target + "/benchmarks/" + run).then().statusCode(200).extract()
                    .jsonPath();
            if (wanted.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("benchmark run " + run + " not as wanted within " + within + ": "
                + (last == null ? "-" : last.prettify()));
    }

    /** Polls the run until it ended (3 minutes at most). */
    static JsonPath awaitEnd(String target, String run) throws InterruptedException {
        return awaitRun(target, run, Duration.ofMinutes(3), j -> !"running".equals(j.getString("status")));
    }

    /** A metric of a step of the run; fails when it is missing. */
    static double metric(JsonPath run, String step, String metric) {
        Object v = run.get("steps.find { it.name == '" + step + "' }.metrics." + metric);
        assertNotNull(v, step + "." + metric + " missing: " + run.prettify());
        return ((Number) v).doubleValue();
    }
}
