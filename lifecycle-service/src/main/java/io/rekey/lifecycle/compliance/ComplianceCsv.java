package io.rekey.lifecycle.compliance;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A compliance report as CSV (RFC 4180, CRLF line ends): one row per finding, then one row per total with
 * {@code TOTAL} in the first column, so a spreadsheet can filter either. Cells that a spreadsheet would run as a
 * formula are defused with a leading apostrophe (OWASP CSV injection), since owners and details are free text.
 */
public final class ComplianceCsv {

    static final List<String> HEADER = List.of("secretId", "finding", "owner", "criticality", "category", "state", "since", "detail");

    private ComplianceCsv() {
    }

    public static String write(ComplianceReport report) {
        StringBuilder out = new StringBuilder();
        row(out, HEADER);
        for (ComplianceReport.Finding f : report.findings()) {
            row(out, List.of(f.secretId(), f.kind().name(), text(f.owner()), text(f.criticality()), text(f.category()),
                    text(f.state()), text(f.since()), f.detail()));
        }
        ComplianceReport.Totals totals = report.totals();
        total(out, "SECRETS", totals.secrets());
        total(out, "COMPLIANT", totals.compliant());
        total(out, "NON_COMPLIANT", totals.nonCompliant());
        for (Map.Entry<ComplianceReport.Kind, Integer> kind : totals.byKind().entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).toList()) {
            total(out, kind.getKey().name(), kind.getValue());
        }
        return out.toString();
    }

    private static void total(StringBuilder out, String what, int count) {
        row(out, List.of("TOTAL", what, "", "", "", "", "", Integer.toString(count)));
    }

    private static String text(Object value) {
        return value == null ? "" : value instanceof Instant i ? i.toString() : value.toString();
    }

    private static void row(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String cell(String value) {
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
