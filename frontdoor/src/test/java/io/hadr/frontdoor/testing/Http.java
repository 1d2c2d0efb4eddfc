package io.hadr.frontdoor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Small HTTP helpers for tests: the JDK client for ordinary requests, a raw socket for exact headers. */
public final class Http {

    /** Shared client; its threads are named {@code HttpClient-*} and outlive single tests. */
    public static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {}

    public static HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build());
    }

    public static HttpResponse<String> get(URI uri, String headerName, String headerValue) {
        return send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(20))
                .header(headerName, headerValue)
                .GET()
                .build());
    }

    public static CompletableFuture<HttpResponse<String>> getAsync(URI uri) {
        return CLIENT.sendAsync(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(20))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A response read off a raw socket, headers kept exactly as sent. */
    public record RawResponse(int status, List<String[]> headers, String body) {

        public Optional<String> header(String name) {
            return headers.stream()
                    .filter(h -> h[0].equalsIgnoreCase(name))
                    .map(h -> h[1])
                    .findFirst();
        }

        public List<String> headerValues(String name) {
            return headers.stream()
                    .filter(h -> h[0].equalsIgnoreCase(name))
                    .map(h -> h[1])
                    .toList();
        }

        public List<String> headerNames() {
            return headers.stream().map(h -> h[0].toLowerCase(Locale.ROOT)).toList();
        }
    }

    /** Sends {@code requestHead} (request line and headers, CRLF separated, without the final blank line) and reads one response. */
    public static RawResponse raw(URI endpoint, String requestHead) throws IOException {
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write((requestHead + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = readLine(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            List<String[]> headers = new ArrayList<>();
            long length = 0;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                headers.add(new String[] {name, value});
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                }
            }
            byte[] body = in.readNBytes((int) length);
            return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after '" + line + "'");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
