package io.dbautopilot.performance.alerting;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Output URL checks: credentials in a URL refused naming the setting and never echoing it; logs see no query. */
class AlertingUrisTest {

    @Test
    void credentialsInTheUrlFailTheStartNamingTheSettingWithoutTheSecret() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AlertingUris.parse(
                "autopilot.alerting.webhook-url", "https://hooks:pa55-w0rd-x@hooks.example:8443/in?token=q-t0ken"));
        assertTrue(e.getMessage().startsWith("autopilot.alerting.webhook-url holds credentials"), e.getMessage());
        for (String secret : new String[] {"pa55-w0rd-x", "hooks:", "q-t0ken", "hooks.example"}) {
            assertFalse(e.getMessage().contains(secret), secret + " echoed: " + e.getMessage());
        }
    }

    @Test
    void otherBadUrlsAreNotEchoedEither() {
        IllegalStateException bad = assertThrows(IllegalStateException.class,
                () -> AlertingUris.parse("autopilot.alerting.webhook-url", "http://h ost/x?token=q-t0ken"));
        assertTrue(bad.getMessage().startsWith("autopilot.alerting.webhook-url is not a URL"), bad.getMessage());
        assertFalse(bad.getMessage().contains("q-t0ken"), bad.getMessage());
        IllegalStateException scheme = assertThrows(IllegalStateException.class,
                () -> AlertingUris.parse("autopilot.alerting.alertmanager-url", "ftp://am.example/?token=q-t0ken"));
        assertTrue(scheme.getMessage().contains("autopilot.alerting.alertmanager-url must be an http(s) URL"));
        assertFalse(scheme.getMessage().contains("q-t0ken"), scheme.getMessage());
    }

    @Test
    void theLoggableFormKeepsSchemeHostPortAndPathOnly() {
        URI u = AlertingUris.parse("autopilot.alerting.webhook-url", "https://hooks.example:8443/in/x?token=q-t0ken#frag");
        assertEquals("https://hooks.example:8443/in/x", AlertingUris.loggable(u));
        assertEquals("http://hooks.example/", AlertingUris.loggable(AlertingUris.parse("s", "http://hooks.example")));
    }
}
