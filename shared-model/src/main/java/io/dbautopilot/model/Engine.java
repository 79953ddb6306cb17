package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The database engine of a target; capabilities (collection, rules, backups, maintenance) are looked up by it. */
public enum Engine {
    /** PostgreSQL, the reference engine. */
    POSTGRESQL,
    /** MySQL 8. */
    MYSQL,
    /** MariaDB 10.x / 11.x. */
    MARIADB,
    /** A local SQLite database file. */
    SQLITE,
    /** A Redis server. */
    REDIS;

    /**
     * The JSON form of this constant.
     *
     * @return the constant's name in lower case, e.g. {@code postgresql}
     */
    @JsonValue
    public String wire() {
        return WireEnums.toWire(this);
    }

    /**
     * Parses the JSON form, in either case.
     *
     * @param text the name, e.g. {@code "mariadb"}
     * @return the constant, or null for null input
     * @throws IllegalArgumentException if no constant has that name
     */
    @JsonCreator
    public static Engine fromWire(String text) {
        return WireEnums.fromWire(Engine.class, text);
    }
}
