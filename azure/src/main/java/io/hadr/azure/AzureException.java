package io.hadr.azure;

import io.hadr.core.platform.PlatformException;

/**
 * Azure refused or failed an operation. The message is one line naming the operation, the
 * resource and Azure's error code, e.g. {@code POST failover on Microsoft.Sql/servers/failoverGroups
 * hadr-fog (server hadr-centralindia): Azure answered 400 FailoverGroupFailoverRequestOnPrimary: ...}.
 */
public final class AzureException extends PlatformException {

    private final int status;
    private final String code;
    private final String resource;

    public AzureException(String message, int status, String code, String resource) {
        super(message);
        this.status = status;
        this.code = code;
        this.resource = resource;
    }

    public AzureException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.code = null;
        this.resource = null;
    }

    /** Builds the one-line message from its parts. */
    public static AzureException of(String operation, String resource, int status, String code, String detail) {
        StringBuilder message =
                new StringBuilder(operation).append(' ').append(resource).append(": Azure answered ");
        if (status > 0) {
            message.append(status).append(' ');
        }
        message.append(code == null ? "without an error code" : code);
        if (detail != null && !detail.isBlank()) {
            message.append(": ").append(oneLine(detail));
        }
        return new AzureException(message.toString(), status, code, resource);
    }

    /** The HTTP status, or 0 when the failure came from a long-running operation's result. */
    public int status() {
        return status;
    }

    /** Azure's error code, e.g. {@code FailoverGroupBusy}; null when Azure gave none. */
    public String code() {
        return code;
    }

    /** The resource in words, e.g. {@code Microsoft.Web/sites hadr-centralindia-abc}. */
    public String resource() {
        return resource;
    }

    /** Text from Azure squeezed into one line of reasonable length. */
    public static String oneLine(String text) {
        String collapsed = text.replaceAll("\\s+", " ").strip();
        return collapsed.length() > 400 ? collapsed.substring(0, 397) + "..." : collapsed;
    }
}
