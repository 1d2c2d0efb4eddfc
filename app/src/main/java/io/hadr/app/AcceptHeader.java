package io.hadr.app;

import java.util.List;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/** Content negotiation for the app's own servlets, cheap for the clients that send no preference. */
final class AcceptHeader {

    private AcceptHeader() {}

    /**
     * The first of {@code offered} (the default) when the client states no preference or one
     * that cannot be parsed; otherwise the offered type its most specific, most preferred
     * acceptable type includes; null when it accepts none of them. Programs (curl, wrk, the
     * drills) send no Accept or {@code *}{@code /*}: answered without parsing.
     */
    static MediaType choose(String accept, List<MediaType> offered) {
        MediaType preferred = offered.get(0);
        if (accept == null || accept.isBlank() || accept.equals("*/*") || accept.equals(preferred.toString())) {
            return preferred;
        }
        List<MediaType> wanted;
        try {
            wanted = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            return preferred;
        }
        MediaType.sortBySpecificityAndQuality(wanted);
        for (MediaType candidate : wanted) {
            if (candidate.getQualityValue() == 0) {
                continue;
            }
            for (MediaType type : offered) {
                if (candidate.includes(type)) {
                    return type;
                }
            }
        }
        return null;
    }
}
