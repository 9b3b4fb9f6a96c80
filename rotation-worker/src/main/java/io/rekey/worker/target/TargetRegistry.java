package io.rekey.worker.target;

import io.rekey.schema.TargetKind;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The adapters this worker has, by target kind. Closing it closes the adapters that hold connections. */
public final class TargetRegistry implements AutoCloseable {

    private final Map<TargetKind, RotationTarget> targets = new EnumMap<>(TargetKind.class);

    public TargetRegistry(List<RotationTarget> adapters) {
        for (RotationTarget adapter : adapters) {
            if (targets.put(adapter.kind(), adapter) != null) {
                throw new IllegalArgumentException("two adapters for target kind " + adapter.kind());
            }
        }
    }

    public Optional<RotationTarget> forKind(TargetKind kind) {
        return Optional.ofNullable(targets.get(kind));
    }

    @Override
    public void close() {
        for (RotationTarget target : targets.values()) {
            if (target instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // closing is best effort at shutdown
                }
            }
        }
    }
}
