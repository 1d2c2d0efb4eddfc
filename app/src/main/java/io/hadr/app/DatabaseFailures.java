package io.hadr.app;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.regex.Pattern;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * What a database failure means, decided by exception type and SQLState (never by message text,
 * which changes between driver versions), and how to say it to a client in words: class names
 * belong in the app's log, not in a response.
 */
final class DatabaseFailures {

    /** A fully qualified exception class name, with the ": " that {@code Throwable.toString()} puts after it. */
    private static final Pattern CLASS_NAME =
            Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*");

    private DatabaseFailures() {}

    /**
     * Whether the failure says "this session does not lead to a writable primary now", which a
     * role switch causes and a later attempt on a new connection can cure: a cut connection
     * (SQLState class 08), a server stopping or starting, a read-only server, or no connection
     * to be had from the pool within its timeout.
     */
    static boolean isRoleSwitchFailure(Throwable e, Dialect dialect) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // When the rollback after a cut connection fails too (the pool already closed it),
            // Spring reports the rollback's failure and keeps the first one aside: look at both.
            if (t instanceof TransactionSystemException tx
                    && tx.getOriginalException() != null
                    && tx.getOriginalException() != t
                    && isRoleSwitchFailure(tx.getOriginalException(), dialect)) {
                return true;
            }
            if (isNoSession(t)) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                if (state.startsWith("08") || dialect.isTransientServerError(sql) || dialect.isReadOnlyError(sql)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the request got no session at all: the pool's wait ran out (its sessions may be fine). */
    static boolean gotNoSession(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isNoSession(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNoSession(Throwable t) {
        return t instanceof CannotGetJdbcConnectionException || t instanceof SQLTransientConnectionException;
    }

    /** Whether the server answered read-only: the pool holds sessions opened before a promotion. */
    static boolean isReadOnly(Throwable e, Dialect dialect) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && dialect.isReadOnlyError(sql)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The failure in words, for a response body or a health detail: the driver's own message
     * where it has one (pgjdbc's say what happened, e.g. "Connection to 127.0.0.1:5443 refused"),
     * with the network-level cause in words, and never a class name.
     */
    static String describe(Throwable e) {
        SQLException deepestSql = null;
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                deepestSql = sql;
            }
            root = t;
        }
        String sqlText = deepestSql == null ? null : firstLine(deepestSql.getMessage());
        String rootText = root == deepestSql ? null : networkWords(root);
        if (sqlText != null && rootText != null) {
            return sqlText + " (" + rootText + ")";
        }
        if (sqlText != null) {
            return sqlText;
        }
        if (rootText != null) {
            return rootText;
        }
        String any = firstLine(e.getMessage());
        return any != null ? any : "no details (the app's log has them)";
    }

    /** Words for the network failures drivers wrap, which often come without a message of their own. */
    private static String networkWords(Throwable root) {
        String message = firstLine(root.getMessage());
        if (root instanceof EOFException) {
            return "the connection was closed by the other end";
        }
        if (root instanceof SocketTimeoutException) {
            return message == null ? "no answer in time" : "no answer in time: " + message;
        }
        if (root instanceof ConnectException) {
            return message == null ? "connection refused" : message;
        }
        if (root instanceof UnknownHostException) {
            return "unknown host " + (message == null ? "" : message);
        }
        if (root instanceof SocketException) {
            return message == null ? "the connection failed" : message;
        }
        return message;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return null;
        }
        String line = CLASS_NAME
                .matcher(message.lines().findFirst().orElse(""))
                .replaceAll("")
                .trim();
        return line.isEmpty() ? null : line;
    }
}
