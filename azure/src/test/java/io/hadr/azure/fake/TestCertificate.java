package io.hadr.azure.fake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the JDK's keytool for one test
 * run, so the fake ARM serves HTTPS and the Azure pipeline sends its bearer token as it would to
 * Azure. Nothing is committed: the key lives in a temporary directory.
 */
public final class TestCertificate {

    public static final String PASSWORD = "hadr-test";

    private final Path keyStore;
    private final Path trustStore;

    private TestCertificate(Path keyStore, Path trustStore) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
    }

    private static TestCertificate shared;

    /**
     * One certificate for the whole test JVM (keytool takes seconds on a busy machine), in a
     * temporary directory removed when the JVM exits.
     */
    public static synchronized TestCertificate shared() throws IOException, InterruptedException {
        if (shared == null) {
            Path dir = Files.createTempDirectory("hadr-fake-arm");
            shared = create(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var files = Files.list(dir)) {
                    for (Path file : files.toList()) {
                        Files.deleteIfExists(file);
                    }
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    // A temporary directory left behind is harmless.
                }
            }));
        }
        return shared;
    }

    /**
     * Creates the key pair. The same PKCS12 file serves as trust store: the JDK's trust manager
     * trusts the certificate of a key entry, and one keytool run is enough.
     */
    public static TestCertificate create(Path dir) throws IOException, InterruptedException {
        Path keyStore = dir.resolve("fake-arm.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "fake-arm",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore",
                keyStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD);
        return new TestCertificate(keyStore, keyStore);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    public Path keyStore() {
        return keyStore;
    }

    /** A PKCS12 store whose only entry is this certificate's (for {@code -Djavax.net.ssl.trustStore}). */
    public Path trustStore() {
        return trustStore;
    }

    /** An SSL context that trusts this certificate and nothing else. */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(trustStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot load the test trust store " + trustStore + ": " + e.getMessage(), e);
        }
    }
}
