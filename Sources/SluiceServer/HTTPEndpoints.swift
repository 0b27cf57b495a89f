import Hummingbird
import NIOCore
import SluiceBroker

/// The HTTP listener's routes: `/metrics` (Prometheus text 0.0.4), `/health` (live), `/ready`.
enum HTTPEndpoints {
    static func router(metrics: BrokerMetrics, readiness: Readiness, metricsEnabled: Bool) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            guard metricsEnabled else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "metrics.enabled=false\n")))
            }
            let text = metrics.emit()
            var headers = HTTPFields()
            headers[.contentType] = BrokerMetrics.contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/health") { _, _ -> Response in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/ready") { _, _ -> Response in
            readiness.isReady
                ? Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
                : Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "starting\n")))
        }
        return router
    }
}
