package dev.dbre.local;

import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;
import java.util.Map;

/**
 * What {@code invoke} gives a handler: the function's environment (its app settings, pointing at
 * the chosen database), the clock, where its metric lines go, and how CloudEvents are sent.
 *
 * @param binaryCloudEvents CloudEvents in binary mode ({@code ce-*} headers, as Eventarc sends
 *     Pub/Sub messages), else structured ({@code application/cloudevents+json})
 */
record InvokeTarget(Map<String, String> env, Clock clock, MetricsPublisher metrics, boolean binaryCloudEvents) {}
