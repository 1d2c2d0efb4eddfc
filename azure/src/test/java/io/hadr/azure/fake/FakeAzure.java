package io.hadr.azure.fake;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import io.hadr.azure.AzureDeployer;
import io.hadr.azure.AzurePlatform;
import io.hadr.azure.AzureTarget;
import io.hadr.azure.internal.ArmClient;
import io.hadr.azure.internal.PollSettings;
import io.hadr.azure.internal.Sleeper;
import io.hadr.core.topology.Topology;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import reactor.core.publisher.Mono;

/**
 * A fake ARM plus clients wired to it the way production wires them to Azure: HTTPS, the bearer
 * token policy, hadr's pinned api-versions; only the polling intervals are short.
 */
public final class FakeAzure implements AutoCloseable {

    public static final String GROUP = "hadr-test-rg";
    /** Polls every 10 ms whatever Retry-After says, so a test does not wait seconds per operation. */
    public static final PollSettings FAST =
            new PollSettings(Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(200));

    private final FakeArm arm;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private FakeAzure(FakeArm arm) {
        this.arm = arm;
    }

    public static FakeAzure start() throws Exception {
        return new FakeAzure(FakeArm.start());
    }

    public FakeArm arm() {
        return arm;
    }

    public AzureTarget target() {
        return target(GROUP);
    }

    public AzureTarget target(String group) {
        return new AzureTarget(FakeArm.SUBSCRIPTION, group, "centralindia", arm.armEndpoint());
    }

    /** A credential that hands out the fake's token, as azure-identity would hand out Azure's. */
    public static TokenCredential credential() {
        return request ->
                Mono.just(new AccessToken(FakeArm.TOKEN, OffsetDateTime.now().plusHours(1)));
    }

    public ArmClient client() {
        return client(credential());
    }

    public ArmClient client(TokenCredential credential) {
        HttpClient.Builder jdk =
                HttpClient.newBuilder().sslContext(arm.certificate().clientContext());
        return new ArmClient(
                ArmClient.pipeline(credential, target().scope(), new JdkHttpClientBuilder(jdk).build()),
                arm.armEndpoint(),
                Clock.systemUTC(),
                Sleeper.REAL,
                FAST);
    }

    /** Progress lines printed by deployers and platforms made here. */
    public List<String> output() {
        return output;
    }

    public Consumer<String> printer() {
        return line -> {
            output.add(line);
            System.out.println(line);
        };
    }

    public AzureDeployer deployer(Topology topology) {
        HttpClient web = HttpClient.newBuilder()
                .sslContext(arm.certificate().clientContext())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return new AzureDeployer(topology, target(), client(), web, printer());
    }

    public AzurePlatform platform(Topology topology) {
        return new AzurePlatform(topology, target(), client(), printer());
    }

    /** A small jar (a zip file with a manifest) standing in for the app. */
    public static Path appJar(Path dir) throws IOException {
        Path jar = dir.resolve("hadr-app.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes());
            zip.closeEntry();
        }
        return jar;
    }

    /** Deploys a topology and waits until it serves, like {@code hadr azure up}. */
    public void up(Topology topology, Path dir) throws IOException {
        deployer(topology).up(appJar(dir), "Test-Passw0rd!", Duration.ofMinutes(1));
    }

    @Override
    public void close() throws Exception {
        arm.close();
    }
}
