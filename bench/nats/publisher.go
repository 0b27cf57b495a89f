// Command publisher is a NATS JetStream producer benchmark, the counterpart of
// `sluice perf produce` (and Kafka's kafka-producer-perf-test) for comparing
// Sluice with NATS JetStream on the same machine.
//
// It connects to a nats-server with JetStream enabled, creates a stream with
// file storage on one subject (or reuses it if it already exists), publishes
// -num messages of -size bytes with the asynchronous publish API, keeping at
// most -pending publishes unacknowledged, waits for every ack, and prints one
// line in the shape of Kafka's perf tool:
//
//	N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency,
//	P ms 50th, P ms 95th, P ms 99th, P ms 99.9th.
//
// MB is 1048576 bytes. Latency is from the publish call to the stream's ack.
//
// It needs only Debian's packages (golang-go, golang-github-nats-io-go-nats-dev)
// and builds in GOPATH mode, with no module downloads:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o publisher bench/nats/publisher.go
//
// scripts/bench-nats builds it, starts a nats-server and runs it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	url := flag.String("url", nats.DefaultURL, "nats-server URL")
	subject := flag.String("subject", "bench", "subject to publish to")
	stream := flag.String("stream", "BENCH", "JetStream stream (file storage) bound to -subject; created if missing")
	num := flag.Int("num", 2000000, "number of messages to publish")
	size := flag.Int("size", 1024, "payload size of each message in bytes")
	pending := flag.Int("pending", 8192, "most async publishes awaiting their ack at once")
	flag.Parse()
	if *num < 1 || *size < 0 || *pending < 1 {
		fail(errors.New("-num and -pending must be at least 1, -size at least 0"))
	}

	// Asynchronous errors (a slow-consumer drop of acks, say) are printed, so a failed run says why.
	nc, err := nats.Connect(*url, nats.Name("sluice-bench-publisher"),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			fmt.Fprintln(os.Stderr, "publisher: async error:", err)
		}))
	if err != nil {
		fail(err)
	}
	defer nc.Close()
	js, err := nc.JetStream(nats.PublishAsyncMaxPending(*pending))
	if err != nil {
		fail(err)
	}
	if err := ensureStream(js, *stream, *subject); err != nil {
		fail(err)
	}

	stats, err := publish(js, *subject, payload(*size), *num, *pending)
	if err != nil {
		fail(err)
	}
	fmt.Println(stats.line(*size))
}

// ensureStream creates a file-storage stream on subject unless one named name exists.
func ensureStream(js nats.JetStreamContext, name, subject string) error {
	_, err := js.StreamInfo(name)
	if err == nil {
		return nil
	}
	if !errors.Is(err, nats.ErrStreamNotFound) {
		return fmt.Errorf("stream info %s: %w", name, err)
	}
	_, err = js.AddStream(&nats.StreamConfig{
		Name:     name,
		Subjects: []string{subject},
		Storage:  nats.FileStorage,
	})
	if err != nil {
		return fmt.Errorf("add stream %s: %w", name, err)
	}
	return nil
}

// payload returns size random uppercase letters, as Kafka's perf tool sends.
func payload(size int) []byte {
	rng := rand.New(rand.NewSource(1))
	data := make([]byte, size)
	for i := range data {
		data[i] = byte('A' + rng.Intn(26))
	}
	return data
}

// inflight is one publish awaiting its ack.
type inflight struct {
	future nats.PubAckFuture
	sentAt time.Time
}

// publish sends num copies of data to subject and waits for every ack. A
// collector goroutine takes the futures in publish order, which is the order
// in which a single stream acks them, and times each one as it resolves.
// ackWait bounds the wait for one publish's ack.
const ackWait = 30 * time.Second

func publish(js nats.JetStreamContext, subject string, data []byte, num, pending int) (*stats, error) {
	// The client stalls the publisher while `pending` acks are outstanding;
	// its default 200 ms stall limit would turn a slow disk into an error.
	stall := nats.StallWait(30 * time.Second)
	futures := make(chan inflight, pending)
	done := make(chan *stats, 1)
	go func() {
		s := newStats()
		// An ack that never comes (dropped by the client library or the server) fails that publish after
		// ackWait instead of stalling the run: the publish loop waits on this goroutine.
		timer := time.NewTimer(ackWait)
		for f := range futures {
			select {
			case <-f.future.Ok():
				s.record(time.Since(f.sentAt))
				continue
			case err := <-f.future.Err():
				s.fail(err)
				continue
			default:
			}
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(ackWait)
			select {
			case <-f.future.Ok():
				s.record(time.Since(f.sentAt))
			case err := <-f.future.Err():
				s.fail(err)
			case <-timer.C:
				s.fail(fmt.Errorf("no ack within %v", ackWait))
			}
		}
		done <- s
	}()

	start := time.Now()
	var publishErr error
	for i := 0; i < num; i++ {
		sentAt := time.Now()
		future, err := js.PublishAsync(subject, data, stall)
		if err != nil {
			publishErr = fmt.Errorf("publish %d: %w", i, err)
			break
		}
		futures <- inflight{future, sentAt}
	}
	close(futures)
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		return nil, errors.New("timed out waiting for the last acks")
	}
	s := <-done
	s.elapsed = time.Since(start)
	if publishErr != nil {
		return nil, publishErr
	}
	if s.err != nil {
		return nil, fmt.Errorf("%d publishes failed, the first with: %w", s.failed, s.err)
	}
	return s, nil
}

// stats accumulates acked publishes and their latencies.
type stats struct {
	count        int
	totalLatency time.Duration
	maxLatency   time.Duration
	byMillis     []int // acked publishes by whole milliseconds of latency
	failed       int
	err          error // the first failure
	elapsed      time.Duration
}

func newStats() *stats { return &stats{byMillis: make([]int, 1024)} }

func (s *stats) record(latency time.Duration) {
	s.count++
	s.totalLatency += latency
	if latency > s.maxLatency {
		s.maxLatency = latency
	}
	ms := int(latency / time.Millisecond)
	for ms >= len(s.byMillis) {
		s.byMillis = append(s.byMillis, make([]int, len(s.byMillis))...)
	}
	s.byMillis[ms]++
}

func (s *stats) fail(err error) {
	if s.err == nil {
		s.err = err
	}
	s.failed++
}

// percentile is Kafka's: the latency of the record at index int(p*count) of
// the records sorted by latency, read off the per-millisecond counts.
func (s *stats) percentile(p float64) int {
	index := int(p * float64(s.count))
	if index >= s.count {
		index = s.count - 1
	}
	seen := 0
	for ms, n := range s.byMillis {
		seen += n
		if seen > index {
			return ms
		}
	}
	return len(s.byMillis) - 1
}

// line formats the totals as Kafka's perf tool does.
func (s *stats) line(size int) string {
	seconds := s.elapsed.Seconds()
	perSecond := float64(s.count) / seconds
	mbPerSecond := float64(s.count) * float64(size) / seconds / (1024 * 1024)
	avgMs := float64(s.totalLatency) / float64(time.Millisecond) / float64(s.count)
	maxMs := float64(s.maxLatency) / float64(time.Millisecond)
	return fmt.Sprintf("%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, "+
		"%d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.",
		s.count, perSecond, mbPerSecond, avgMs, maxMs,
		s.percentile(0.5), s.percentile(0.95), s.percentile(0.99), s.percentile(0.999))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "publisher:", err)
	os.Exit(1)
}
