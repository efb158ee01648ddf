package dev.dbre.gcp.obs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CloudTraceTest {
    @Test
    void traceId_fromCloudTraceContextOrTraceparent() {
        assertThat(CloudTrace.traceId("105445aa7843bc8bf206b12000100000/1;o=1", null))
                .isEqualTo("105445aa7843bc8bf206b12000100000");
        assertThat(CloudTrace.traceId(null, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(CloudTrace.traceId(null, "garbage")).isNull();
        assertThat(CloudTrace.traceId(null, null)).isNull();
    }
}
