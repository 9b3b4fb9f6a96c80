package io.rekey.cli.rotation;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.schema.client.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Fails fast with one clear line when the broker cannot be reached, instead of a client hanging for a minute. */
public final class Reachability {

    private Reachability() {
    }

    public static void requireKafka(KafkaClients clients) {
        Map<String, Object> config = clients.adminConfig();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000)).nodes().get(6, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new CliException(RekeyCli.EXIT_UNREACHABLE, "Kafka at " + clients.bootstrapServers()
                    + " is unreachable: start it (./rekey dev up) or pass --bootstrap-servers");
        }
    }
}
