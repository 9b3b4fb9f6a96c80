package io.rekey.lifecycle.api;

import io.micronaut.serde.annotation.SerdeImport;
import io.rekey.lifecycle.app.LifecycleService;
import io.rekey.lifecycle.compliance.ComplianceReport;
import io.rekey.lifecycle.view.HistoryEntry;
import io.rekey.lifecycle.view.RotationTrack;

/** Records of the pure cores the API returns as they are; imported here so the cores stay free of framework annotations. */
@SerdeImport(HistoryEntry.class)
@SerdeImport(RotationTrack.class)
@SerdeImport(ComplianceReport.Totals.class)
@SerdeImport(ComplianceReport.Finding.class)
@SerdeImport(LifecycleService.RotationRequested.class)
final class SerdeImports {

    private SerdeImports() {
    }
}
