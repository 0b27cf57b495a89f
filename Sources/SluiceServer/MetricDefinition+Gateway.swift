import SluiceObservability

extension MetricDefinition {
    // MARK: Producer gateway (sluiced's HTTP produce endpoint)

    /// `sluice_gateway_requests_total{code}`: gateway produce requests answered, by HTTP status code.
    public static let gatewayRequests = counter(
        "sluice_gateway_requests_total", labels: ["code"],
        help: "Produce requests answered by the HTTP gateway (POST /topics/{topic}), by HTTP status code."
    )
    /// `sluice_gateway_request_seconds`: gateway request arrival to response.
    public static let gatewayRequestDuration = histogram(
        "sluice_gateway_request_seconds",
        help: "HTTP gateway produce request arrival to response in seconds, including the wait for every "
            + "record's acknowledgement."
    )
}
