package dev.dbre.restore;

import dev.dbre.port.RestoreProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The overrides a restore request may carry, read from the {@code overrides} map that {@link
 * RestoreProvider#startRestore} receives. Keys (JSON field names of the request's {@code overrides}
 * object): {@code instanceClass}, {@code subnetGroup}, {@code securityGroups} (list), {@code
 * parameterGroup}, {@code tags} (object of strings). Unset ones are null or empty; each provider
 * maps them to its own API (RDS: DBInstanceClass, DBSubnetGroupName, VpcSecurityGroupIds,
 * DB(Cluster)ParameterGroupName, Tags; Flexible Server: sku name, tags; Cloud SQL: tier, labels).
 */
public record RestoreOverrides(
        String instanceClass,
        String subnetGroup,
        List<String> securityGroups,
        String parameterGroup,
        Map<String, String> tags) {
    public static final String INSTANCE_CLASS = "instanceClass";
    public static final String SUBNET_GROUP = "subnetGroup";
    public static final String SECURITY_GROUPS = "securityGroups";
    public static final String PARAMETER_GROUP = "parameterGroup";
    public static final String TAGS = "tags";

    public RestoreOverrides {
        securityGroups = List.copyOf(securityGroups);
        tags = Map.copyOf(tags);
    }

    /**
     * @throws IllegalArgumentException naming the key whose value has the wrong type
     */
    public static RestoreOverrides of(Map<String, Object> overrides) {
        if (overrides == null) {
            return new RestoreOverrides(null, null, List.of(), null, Map.of());
        }
        List<String> groups = new ArrayList<>();
        Object sg = overrides.get(SECURITY_GROUPS);
        if (sg instanceof List<?> list) {
            for (Object o : list) {
                groups.add(String.valueOf(o));
            }
        } else if (sg != null) {
            throw new IllegalArgumentException("overrides." + SECURITY_GROUPS + " must be a list of strings");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        Object t = overrides.get(TAGS);
        if (t instanceof Map<?, ?> map) {
            map.forEach((k, v) -> tags.put(String.valueOf(k), String.valueOf(v)));
        } else if (t != null) {
            throw new IllegalArgumentException("overrides." + TAGS + " must be an object of strings");
        }
        return new RestoreOverrides(
                text(overrides, INSTANCE_CLASS),
                text(overrides, SUBNET_GROUP),
                groups,
                text(overrides, PARAMETER_GROUP),
                tags);
    }

    private static String text(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("overrides." + key + " must be a string");
        }
        return s.isBlank() ? null : s;
    }
}
