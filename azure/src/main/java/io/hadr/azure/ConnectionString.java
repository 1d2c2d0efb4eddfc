package io.hadr.azure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDBC URL the apps receive as {@code HADR_DB_URL}: Azure SQL through a failover group
 * listener or a server, always encrypted, certificate checked against {@code *.database.windows.net}.
 */
final class ConnectionString {

    /** ARM {@code format()} text: {@code {0}} is the listener or server name, {@code {1}} the database. */
    static final String TEMPLATE = "jdbc:sqlserver://{0}.database.windows.net:1433;database={1};encrypt=true;"
            + "trustServerCertificate=false;hostNameInCertificate=*.database.windows.net;loginTimeout=30";

    private static final Pattern SHAPE = Pattern.compile(
            "jdbc:sqlserver://([a-z0-9.-]+)\\.database\\.windows\\.net:1433;(.*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DATABASE = Pattern.compile("(?i)(^|;)database=[^;]*");

    private ConnectionString() {}

    static String of(String hostLabel, String database) {
        return TEMPLATE.replace("{0}", hostLabel).replace("{1}", database);
    }

    /** The name before {@code .database.windows.net}: a failover group, or a server. */
    static String hostLabel(String url) {
        Matcher m = SHAPE.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "HADR_DB_URL '" + url + "' is not the jdbc:sqlserver://<name>.database.windows.net:1433;..."
                            + " URL hadr deploys; redeploy with 'hadr azure up' or fix the app setting");
        }
        return m.group(1);
    }

    /** The same URL leading to another listener or server and database; every other option stays. */
    static String rewrite(String url, String hostLabel, String database) {
        Matcher m = SHAPE.matcher(url);
        if (!m.matches()) {
            hostLabel(url);
        }
        String options = m.group(2);
        Matcher db = DATABASE.matcher(options);
        String newOptions = db.find()
                ? db.replaceFirst("$1database=" + Matcher.quoteReplacement(database))
                : "database=" + database + ";" + options;
        return "jdbc:sqlserver://" + hostLabel + ".database.windows.net:1433;" + newOptions;
    }
}
