package io.dbautopilot.performance.advise.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading sequential scans and their column conditions out of EXPLAIN (VERBOSE, FORMAT JSON) output. */
class PlanScansTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<PlanScans.SeqScan> scans(String planJson) throws Exception {
        return PlanScans.seqScans(JSON.readTree(planJson));
    }

    @Test
    void equalityAndRangeConditionsWithCastsAndQualifiers() throws Exception {
        List<PlanScans.SeqScan> scans = scans("""
                {"Node Type": "Limit", "Plans": [
                  {"Node Type": "Seq Scan", "Schema": "public", "Relation Name": "orders", "Alias": "o",
                   "Plan Rows": 10, "Total Cost": 4000.5,
                   "Filter": "((o.created_at > $2) AND ((o.status)::text = $1) AND (o.customer_id = 42))"}]}""");
        assertEquals(1, scans.size());
        PlanScans.SeqScan s = scans.get(0);
        assertEquals("public", s.schema());
        assertEquals("orders", s.relation());
        assertEquals(List.of(new PlanScans.Condition("created_at", false), new PlanScans.Condition("status", true),
                new PlanScans.Condition("customer_id", true)), s.conditions());
        assertFalse(s.hasOr());
    }

    @Test
    void columnToColumnComparisonsQuotedNamesAndOr() throws Exception {
        PlanScans.SeqScan s = scans("""
                {"Node Type": "Seq Scan", "Schema": "public", "Relation Name": "t", "Plan Rows": 1, "Total Cost": 1,
                 "Filter": "((t.a = t.b) OR (t.\\"Mixed Case\\" = 'x'::text))"}""").get(0);
        assertEquals(List.of(new PlanScans.Condition("Mixed Case", true)), s.conditions());
        assertTrue(s.hasOr());
    }

    @Test
    void scansWithoutFilterAndIndexScansAreNotCandidates() throws Exception {
        assertTrue(scans("""
                {"Node Type": "Hash Join", "Plans": [
                  {"Node Type": "Seq Scan", "Relation Name": "a", "Plan Rows": 5, "Total Cost": 1},
                  {"Node Type": "Index Scan", "Relation Name": "b", "Index Name": "b_pkey", "Plan Rows": 1,
                   "Total Cost": 1, "Filter": "(b.x = $1)"}]}""").isEmpty());
        assertTrue(PlanScans.usesIndex(JSON.readTree("""
                {"Node Type": "Hash Join", "Plans": [{"Node Type": "Index Scan", "Index Name": "<13999>btree_b_x"}]}"""),
                "<13999>btree_b_x"));
    }
}
