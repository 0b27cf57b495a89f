import NIOCore
import SluiceClient
import SluiceWire

extension Sender {
    /// Starts a connect to `broker` as a child task; its outcome arrives as `.connected`.
    func startConnect(node: Int32, broker: BrokerInfo, jobs: inout DiscardingTaskGroup) {
        let address = BrokerAddress(broker)
        let requestTimeout = Duration.milliseconds(settings.requestTimeoutMs)
        jobs.addTask { [inbox, eventLoopGroup, settings] in
            let result: Result<BrokerConnection, SluiceError>
            do {
                let connection = try await BrokerConnection.connect(
                    to: address, clientId: settings.clientId, group: eventLoopGroup,
                    connectTimeout: min(.seconds(10), requestTimeout), requestTimeout: requestTimeout)
                result = .success(connection)
            } catch {
                result = .failure(SluiceError(.networkException, "\(error)"))
            }
            inbox.post(.connected(node: node, result))
        }
    }

    /// Starts a Metadata refresh for every known topic when one is due: a partition has no leader, an
    /// answer said leaders moved, or `metadata.max.age.ms` passed. One at a time, `retry.backoff.ms` apart.
    func refreshMetadataIfDue(
        _ state: inout SenderState, jobs: inout DiscardingTaskGroup, unknownLeaderTopics: Set<String>, nowNanos: Int64
    ) {
        let isOld = nowNanos - state.lastMetadataSuccessNanos >= settings.metadataMaxAgeMs * 1_000_000
        guard state.isMetadataStale || !unknownLeaderTopics.isEmpty || isOld, !state.isMetadataRefreshRunning else {
            return
        }
        let earliestNanos = state.lastMetadataAttemptNanos + settings.retryBackoffMs * 1_000_000
        guard nowNanos >= earliestNanos else {
            state.wake(atNanos: earliestNanos)
            return
        }
        let topics = accumulator.knownTopics
        guard !topics.isEmpty else { return }
        state.isMetadataRefreshRunning = true
        state.lastMetadataAttemptNanos = nowNanos
        jobs.addTask { [client, accumulator, inbox, logger] in
            do {
                let response = try await client.metadata(topics: topics)
                accumulator.updateMetadata(response)
                inbox.post(.metadataRefreshed(succeeded: true))
            } catch {
                logger.debug("metadata refresh failed: \(error)")
                inbox.post(.metadataRefreshed(succeeded: false))
            }
        }
    }

    /// Asks for a producer id when idempotence needs one, on a connection to any known broker.
    func ensureIdentity(_ state: inout SenderState, jobs: inout DiscardingTaskGroup, nowNanos: Int64) {
        guard case .needed(let retryAfterNanos) = state.identity else { return }
        guard nowNanos >= retryAfterNanos else {
            state.wake(atNanos: retryAfterNanos)
            return
        }
        // Metadata names the brokers; the first send fetches it, so until then there is nothing to stamp.
        guard let broker = accumulator.anyBroker,
            let connection = usableConnection(broker.nodeId, &state, jobs: &jobs, nowNanos: nowNanos)
        else { return }
        state.identity = .requesting
        jobs.addTask { [inbox] in
            inbox.post(.identity(await Self.initProducerId(on: connection)))
        }
    }

    /// One InitProducerId round trip. UNSUPPORTED_VERSION (frame or body) means the broker lacks it.
    static func initProducerId(on connection: BrokerConnection) async -> SenderEvent.IdentityAnswer {
        do {
            let response = try await connection.send(.initProducerId(InitProducerIdRequest()))
            guard case .initProducerId(let answer) = response.body else {
                return .failed("the broker answered InitProducerId with another response type")
            }
            switch answer.errorCode {
            case .none:
                return .assigned(ProducerIdentity(producerId: answer.producerId, producerEpoch: answer.producerEpoch))
            case .unsupportedVersion:
                return .unsupported("InitProducerId")
            default:
                return .failed(answer.errorCode.name)
            }
        } catch let error as SluiceError where error.code == .unsupportedVersion {
            return .unsupported(error.message)
        } catch {
            return .failed("\(error)")
        }
    }
}
