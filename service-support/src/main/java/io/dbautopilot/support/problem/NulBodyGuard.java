package io.dbautopilot.support.problem;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import jakarta.ws.rs.ConstrainedTo;
import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Refuses a request body holding a NUL character (a raw 0x00 byte, or {@code \u0000} in a JSON string or field name)
 * with a 400 naming the field, before it reaches any code (PostgreSQL text cannot hold NUL; no API value needs one).
 */
@Provider
@ConstrainedTo(RuntimeType.SERVER)
public class NulBodyGuard implements ReaderInterceptor {

    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        byte[] body = context.getInputStream().readAllBytes();
        String field = nulField(body);
        if (field != null) {
            throw ProblemException.badRequest(field + " contains a NUL character (\\u0000), which is not accepted");
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    /** Where the body holds a NUL ({@code field 'a.b'}, {@code a field name}, {@code the request body}); null if nowhere. */
    static String nulField(byte[] body) {
        boolean raw = false;
        boolean escaped = false;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                raw = true;
                break;
            }
            if (body[i] == '\\' && i + 5 < body.length && body[i + 1] == 'u' && body[i + 2] == '0' && body[i + 3] == '0'
                    && body[i + 4] == '0' && body[i + 5] == '0') {
                escaped = true;
            }
        }
        if (raw) {
            return "the request body";
        }
        if (!escaped) {
            return null;
        }
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME && p.currentName().indexOf('\0') >= 0) {
                    return "a field name";
                }
                if (t == JsonToken.VALUE_STRING && p.getText().indexOf('\0') >= 0) {
                    String path = p.getParsingContext().pathAsPointer().toString();
                    return path.isEmpty() ? "the request body" : "field '" + path.substring(1).replace('/', '.') + "'";
                }
            }
        } catch (StreamReadException invalid) {
            return "the request body";
        } catch (IOException e) {
            return "the request body";
        }
        return "the request body";
    }
}
