package io.rekey.service;

import io.rekey.schema.topic.Topics;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;

/**
 * Least-privilege ACLs per service principal, derived from what each service reads, writes, and which consumer
 * groups and transactional ids it uses (see docs/security.md, which lists the same grants as kafka-acls commands).
 * Every grant is ALLOW; anything not granted is refused by the authorizer.
 */
final class ServiceAcls {

    static final String WORKER = "rekey-worker";
    static final String AUDIT = "rekey-audit";
    static final String LIFECYCLE = "rekey-lifecycle";
    static final String CLI = "rekey-cli";
    static final List<String> PRINCIPALS = List.of(WORKER, AUDIT, LIFECYCLE, CLI);

    private ServiceAcls() {
    }

    static List<AclBinding> bindings() {
        List<AclBinding> acls = new ArrayList<>();
        // rotation-worker: group rekey-rotation-worker (+ -rebuild, -registry-<id>, -control-<id>), transactional id
        // rekey-rotation-worker-<instance>.
        read(acls, WORKER, Topics.ROTATION_COMMANDS.name(), Topics.ROTATION_EVENTS.name(), Topics.REGISTRY.name(), Topics.CONTROL.name());
        write(acls, WORKER, Topics.ROTATION_EVENTS.name(), Topics.SECRET_CHANGED.name(), Topics.LIFECYCLE_EVENTS.name(),
                Topics.ACCESS_EVENTS.name(), Topics.DLQ.name());
        prefixed(acls, WORKER, ResourceType.GROUP, "rekey-rotation-worker", AclOperation.READ, AclOperation.DESCRIBE);
        prefixed(acls, WORKER, ResourceType.TRANSACTIONAL_ID, "rekey-rotation-worker-", AclOperation.WRITE, AclOperation.DESCRIBE);

        // audit-stream (Kafka Streams, application id rekey-audit-stream): internal topics, group and transactional
        // ids (EOS v2) all start with the application id.
        read(acls, AUDIT, Topics.ACCESS_EVENTS.name(), Topics.REGISTRY.name(), Topics.LIFECYCLE_EVENTS.name(), Topics.ROTATION_EVENTS.name());
        describeConfigs(acls, AUDIT, Topics.ACCESS_EVENTS.name(), Topics.REGISTRY.name(), Topics.LIFECYCLE_EVENTS.name(),
                Topics.ROTATION_EVENTS.name(), Topics.ANOMALIES.name(), Topics.AUDIT_LOG.name(), Topics.DLQ.name());
        write(acls, AUDIT, Topics.ANOMALIES.name(), Topics.AUDIT_LOG.name(), Topics.DLQ.name(), "rekey.anomalies.ecs");
        prefixed(acls, AUDIT, ResourceType.TOPIC, "rekey-audit-stream-", AclOperation.ALL);
        prefixed(acls, AUDIT, ResourceType.GROUP, "rekey-audit-stream", AclOperation.READ, AclOperation.DESCRIBE);
        prefixed(acls, AUDIT, ResourceType.TRANSACTIONAL_ID, "rekey-audit-stream-", AclOperation.WRITE, AclOperation.DESCRIBE);

        // lifecycle-service: reads its topics by assignment (no group), the scheduler group rekey-lifecycle-scheduler,
        // transactional id rekey-lifecycle-<instance>.
        read(acls, LIFECYCLE, Topics.REGISTRY.name(), Topics.LIFECYCLE_EVENTS.name(), Topics.ROTATION_EVENTS.name(),
                Topics.ROTATION_COMMANDS.name(), Topics.ACCESS_EVENTS.name(), Topics.CONTROL.name(), Topics.DLQ.name());
        write(acls, LIFECYCLE, Topics.REGISTRY.name(), Topics.LIFECYCLE_EVENTS.name(), Topics.ROTATION_COMMANDS.name(),
                Topics.ACCESS_EVENTS.name(), Topics.CONTROL.name(), Topics.DLQ.name());
        prefixed(acls, LIFECYCLE, ResourceType.GROUP, "rekey-lifecycle", AclOperation.READ, AclOperation.DESCRIBE);
        prefixed(acls, LIFECYCLE, ResourceType.TRANSACTIONAL_ID, "rekey-lifecycle-", AclOperation.WRITE, AclOperation.DESCRIBE);

        // rekey CLI: issues commands and emergency mode, reads history; throwaway groups rekey-cli-<uuid>.
        read(acls, CLI, Topics.ROTATION_EVENTS.name(), Topics.REGISTRY.name(), Topics.AUDIT_LOG.name(), Topics.ANOMALIES.name(),
                Topics.ACCESS_EVENTS.name(), Topics.LIFECYCLE_EVENTS.name(), Topics.CONTROL.name());
        write(acls, CLI, Topics.ROTATION_COMMANDS.name(), Topics.CONTROL.name());
        prefixed(acls, CLI, ResourceType.GROUP, "rekey-cli-", AclOperation.READ, AclOperation.DESCRIBE);
        return acls;
    }

    private static void read(List<AclBinding> acls, String principal, String... topics) {
        for (String topic : topics) {
            literal(acls, principal, topic, AclOperation.READ);
            literal(acls, principal, topic, AclOperation.DESCRIBE);
        }
    }

    private static void write(List<AclBinding> acls, String principal, String... topics) {
        for (String topic : topics) {
            literal(acls, principal, topic, AclOperation.WRITE);
            literal(acls, principal, topic, AclOperation.DESCRIBE);
        }
    }

    private static void describeConfigs(List<AclBinding> acls, String principal, String... topics) {
        for (String topic : topics) {
            literal(acls, principal, topic, AclOperation.DESCRIBE_CONFIGS);
        }
    }

    private static void literal(List<AclBinding> acls, String principal, String topic, AclOperation operation) {
        acls.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), allow(principal, operation)));
    }

    private static void prefixed(List<AclBinding> acls, String principal, ResourceType type, String prefix, AclOperation... operations) {
        for (AclOperation operation : operations) {
            acls.add(new AclBinding(new ResourcePattern(type, prefix, PatternType.PREFIXED), allow(principal, operation)));
        }
    }

    private static AccessControlEntry allow(String principal, AclOperation operation) {
        return new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW);
    }
}
