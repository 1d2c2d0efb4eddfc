package io.hadr.azure;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What {@code hadr azure template} writes: the ARM template, its parameters file, and how every
 * topology setting maps onto them.
 *
 * @param template the template's JSON text (deterministic: same topology, same bytes)
 * @param parameters the parameters file's JSON text
 * @param mapping every topology setting, in a fixed order, with where it went or why it did not
 */
public record TemplateFiles(String template, String parameters, List<TopologyMapping> mapping) {

    /** The file name Azure's quickstarts use for the template. */
    public static final String TEMPLATE_FILE = "azuredeploy.json";
    /** The file name Azure's quickstarts use for the parameters. */
    public static final String PARAMETERS_FILE = "azuredeploy.parameters.json";

    public TemplateFiles {
        mapping = List.copyOf(mapping);
    }

    public JsonNode templateJson() {
        return ArmTemplate.parse(template);
    }

    public JsonNode parametersJson() {
        return ArmTemplate.parse(parameters);
    }

    /** The settings that only the local environment uses, each with its reason. */
    public List<TopologyMapping> localOnly() {
        return mapping.stream().filter(TopologyMapping::localOnly).toList();
    }

    /** The settings whose value Azure does not accept as it is, and what the template uses instead. */
    public List<TopologyMapping> adjusted() {
        return mapping.stream().filter(m -> m.adjustment() != null).toList();
    }
}
