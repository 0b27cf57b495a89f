import NIOCore
import NIOPosix
import SluiceWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP connection to a broker could not be opened.
///
/// `description` reads `cannot connect to 127.0.0.1:9092: connection refused`; the CLI adds its hint.
/// Its Kafka code is NETWORK_EXCEPTION (retriable).
public struct ConnectError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the connection failed, classified so callers can give advice (e.g. "is sluiced running?").
    public enum Reason: Sendable, Hashable {
        /// Nothing listens on that port (ECONNREFUSED).
        case refused
        /// No answer within the connect timeout.
        case timedOut
        /// The host name did not resolve.
        case unresolvable(String)
        /// Anything else, described.
        case other(String)
    }

    /// The address tried.
    public let address: BrokerAddress
    /// Why it failed.
    public let reason: Reason

    /// An error with an already classified reason.
    public init(address: BrokerAddress, reason: Reason) {
        self.address = address
        self.reason = reason
    }

    /// Classifies an error thrown by NIO's `ClientBootstrap.connect`.
    init(address: BrokerAddress, underlying error: any Error) {
        self.init(address: address, reason: Self.classify(error))
    }

    /// The Kafka error code for this failure.
    public var code: ErrorCode { .networkException }

    /// `cannot connect to host:port: reason`.
    public var description: String {
        switch reason {
        case .refused: "cannot connect to \(address): connection refused"
        case .timedOut: "cannot connect to \(address): connection timed out"
        case .unresolvable(let detail): "cannot connect to \(address): cannot resolve host (\(detail))"
        case .other(let detail): "cannot connect to \(address): \(detail)"
        }
    }

    /// Pure classification of NIO's connect errors.
    static func classify(_ error: any Error) -> Reason {
        if let connection = error as? NIOConnectionError {
            let failures = connection.connectionErrors.map { classify($0.error) }
            if failures.contains(.refused) { return .refused }
            if failures.contains(.timedOut) { return .timedOut }
            if let first = failures.first { return first }
            if let dns = connection.dnsAError ?? connection.dnsAAAAError { return .unresolvable("\(dns)") }
            return .other("\(connection)")
        }
        if let io = error as? IOError {
            if io.errnoCode == ECONNREFUSED { return .refused }
            if io.errnoCode == ETIMEDOUT { return .timedOut }
            return .other("\(io)")
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return .timedOut }
        if error is SocketAddressError { return .unresolvable("\(error)") }
        return .other("\(error)")
    }
}
