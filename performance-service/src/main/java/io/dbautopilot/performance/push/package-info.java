/**
 * The dashboard's push channel: a WebSocket at {@code /api/ws} sending typed JSON messages (performance per cycle,
 * alerts, operations, partitions, benchmarks) fed by the in-process sources, with a bounded queue per client.
 */
package io.dbautopilot.performance.push;
