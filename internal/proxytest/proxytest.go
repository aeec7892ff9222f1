// Package proxytest is a reverse proxy on 127.0.0.1 for tests, between the provider (through
// image_endpoint or auth_url) and the real Keystone or Glance. It records every request, so
// tests can count what an operation costs, and can inject faults from a fixed seed: a 503
// without forwarding, a connection reset after forwarding (the change happened, the answer
// is lost), and latency. It can also terminate TLS with a certificate the test supplies.
package proxytest

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"sync"
	"testing"
	"time"
)

// Fault is what the proxy does to one request instead of passing it on untouched.
type Fault string

const (
	// Unavailable answers 503 without forwarding: nothing happened.
	Unavailable Fault = "503"
	// ResetAfterForward forwards the request, drops the answer and resets the connection:
	// the change happened, the caller cannot know it.
	ResetAfterForward Fault = "reset"
	// Latency waits Options.Latency, then forwards normally.
	Latency Fault = "latency"
	// HoldAnswer forwards at once, so the service does the work even if the caller gives up,
	// and holds the answer for Options.Latency: a frozen service, as a client sees it.
	HoldAnswer Fault = "hold"
	// ErrorAfterForward forwards the request, then answers 500 instead of the service's
	// answer: the change happened, and the caller is told it failed (a service that failed
	// after its work, such as a database locked at commit).
	ErrorAfterForward Fault = "500"
)

// Options configure a proxy; the zero value records and forwards, nothing else.
type Options struct {
	// FaultRate is the share of requests that get a fault, from 0 to 1.
	FaultRate float64
	// Seed fixes the sequence of fault decisions.
	Seed uint64
	// Faults are the kinds to choose from, evenly; 503, reset and latency when empty.
	Faults []Fault
	// Only, when set, limits faults to the requests it accepts; the others pass untouched.
	Only func(*http.Request) bool
	// Redirect, when set, may answer a request with a 307 instead of forwarding it: to the
	// URL it returns ("" to forward), with the request's path and query appended.
	Redirect func(*http.Request) string
	// Latency is how long a Latency fault waits.
	Latency time.Duration
	// TLS, when set, makes the proxy an HTTPS server with this configuration.
	TLS *tls.Config
}

// Exchange is one request as the proxy handled it.
type Exchange struct {
	Method, Path string
	Header       http.Header // the request's
	Status       int         // the answer passed back, 0 when the connection was reset
	Fault        Fault       // "" when passed on untouched
}

// Stats counts what the proxy saw and did.
type Stats struct {
	Requests int
	Faults   map[Fault]int
}

// Proxy is a running proxy; it stops when the test ends.
type Proxy struct {
	URL string

	opts      Options
	target    *url.URL
	forward   *httputil.ReverseProxy
	transport http.RoundTripper
	mu        sync.Mutex
	rng       *rand.Rand
	log       []Exchange
	// generation counts Resets: an answer that comes back after one belongs to no log.
	generation int
	userAgents map[string]bool
	// detached counts the HoldAnswer forwards still at the service, whose callers may be gone.
	detached sync.WaitGroup
}

// New starts a proxy in front of target (a base URL such as http://127.0.0.1:9292).
func New(t testing.TB, target string, opts Options) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("proxy target %q: %v", target, err)
	}
	if len(opts.Faults) == 0 {
		opts.Faults = []Fault{Unavailable, ResetAfterForward, Latency}
	}
	// A new connection to the service for every request: uwsgi (Keystone here) closes each
	// connection after its answer, and a POST sent on one it was closing cannot be retried,
	// so reusing them made the proxy answer 502 now and then.
	upstream := &http.Transport{Proxy: http.ProxyFromEnvironment}
	if base, ok := http.DefaultTransport.(*http.Transport); ok {
		upstream = base.Clone()
	}
	upstream.DisableKeepAlives = true
	p := &Proxy{
		opts: opts, target: u, userAgents: map[string]bool{},
		rng:       rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		transport: upstream,
	}
	p.forward = httputil.NewSingleHostReverseProxy(u)
	p.forward.Transport = p.transport
	srv := httptest.NewUnstartedServer(http.HandlerFunc(p.serve))
	if opts.TLS != nil {
		srv.TLS = opts.TLS
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	var fault Fault
	if p.opts.FaultRate > 0 && (p.opts.Only == nil || p.opts.Only(r)) && p.rng.Float64() < p.opts.FaultRate {
		fault = p.opts.Faults[p.rng.IntN(len(p.opts.Faults))]
	}
	p.userAgents[r.UserAgent()] = true
	i, generation := len(p.log), p.generation
	p.log = append(p.log, Exchange{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Fault: fault})
	p.mu.Unlock()

	status := 0
	to := ""
	if p.opts.Redirect != nil {
		to = p.opts.Redirect(r)
	}
	switch {
	case to != "":
		http.Redirect(w, r, to+r.URL.RequestURI(), http.StatusTemporaryRedirect)
		status = http.StatusTemporaryRedirect
	case fault == Unavailable:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(
			w,
			`{"message": "injected by proxytest: service unavailable", "code": "503 Service Unavailable"}`,
		)
		status = http.StatusServiceUnavailable
	case fault == ResetAfterForward:
		p.forwardAndReset(w, r)
	case fault == ErrorAfterForward:
		p.forwardAndFail(w, r)
		status = http.StatusInternalServerError
	case fault == HoldAnswer:
		status = p.forwardAndHold(w, r)
	default:
		if fault == Latency {
			time.Sleep(p.opts.Latency)
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		p.forward.ServeHTTP(rec, r)
		status = rec.status
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// A Reset while the request was out (a test moving on from answers it gave up on) emptied
	// the log it was in. Writing there anyway panicked with the lock held, and every later
	// request through the proxy then hung.
	if generation == p.generation {
		p.log[i].Status = status
	}
}

// forwardAndReset lets the service do the work, then breaks the connection instead of
// answering.
func (p *Proxy) forwardAndReset(w http.ResponseWriter, r *http.Request) {
	if resp, err := p.transport.RoundTrip(p.toTarget(r, r.Context())); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // RST, not FIN
	}
	conn.Close()
}

// forwardAndFail lets the service do the work, then answers 500 as Glance does when its
// database fails.
func (p *Proxy) forwardAndFail(w http.ResponseWriter, r *http.Request) {
	if resp, err := p.transport.RoundTrip(p.toTarget(r, r.Context())); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(
		w,
		`{"message": "injected by proxytest: database is locked", "code": "500 Internal Server Error"}`,
	)
}

// forwardAndHold lets the service do the work whatever the caller does meanwhile, then holds
// the answer for the latency (or until the caller is gone). It returns the status passed
// back, 0 when the caller left first.
func (p *Proxy) forwardAndHold(w http.ResponseWriter, r *http.Request) int {
	p.detached.Add(1)
	resp, err := p.transport.RoundTrip(p.toTarget(r, context.WithoutCancel(r.Context())))
	p.detached.Done()
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return http.StatusBadGateway
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	select {
	case <-time.After(p.opts.Latency):
	case <-r.Context().Done():
		return 0
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	return resp.StatusCode
}

// toTarget is r as a client request to the target, carried by ctx.
func (p *Proxy) toTarget(r *http.Request, ctx context.Context) *http.Request {
	out := r.Clone(ctx)
	out.RequestURI = ""
	out.URL.Scheme, out.URL.Host = p.target.Scheme, p.target.Host
	out.Host = p.target.Host
	return out
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

// Requests returns the requests seen since the last Reset, as "METHOD /path".
func (p *Proxy) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, len(p.log))
	for i, e := range p.log {
		out[i] = e.Method + " " + e.Path
	}
	return out
}

// Exchanges returns the requests seen since the last Reset, with answers and faults.
func (p *Proxy) Exchanges() []Exchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Exchange(nil), p.log...)
}

// Stats counts the requests and faults since the last Reset.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Stats{Requests: len(p.log), Faults: map[Fault]int{}}
	for _, e := range p.log {
		if e.Fault != "" {
			s.Faults[e.Fault]++
		}
	}
	return s
}

// UserAgents returns the distinct User-Agent headers seen.
func (p *Proxy) UserAgents() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for ua := range p.userAgents {
		out = append(out, ua)
	}
	sort.Strings(out)
	return out
}

// Settle waits until the service has answered every request the proxy passed on for a caller
// that may have given up (HoldAnswer): only then does the service show all they did.
func (p *Proxy) Settle() { p.detached.Wait() }

// Reset forgets the requests seen so far.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = nil
	p.generation++
}

// SetFaultRate changes the fault rate from now on (for example 0 to check the result).
func (p *Proxy) SetFaultRate(rate float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.opts.FaultRate = rate
}

// Writes accepts the requests that change something (all but GET and HEAD): with Only, a
// service that is slow or frozen for changes while it still answers reads.
func Writes(r *http.Request) bool { return r.Method != http.MethodGet && r.Method != http.MethodHead }

// Trap is a server that only records: where a test sends what must never arrive (a redirect's
// target), to check that nothing did. It answers 404.
type Trap struct {
	URL  string
	mu   sync.Mutex
	seen []string
}

// NewTrap starts a Trap on 127.0.0.1; it stops when the test ends.
func NewTrap(t testing.TB) *Trap {
	trap := &Trap{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		trap.mu.Lock()
		trap.seen = append(
			trap.seen,
			fmt.Sprintf("%s %s (X-Auth-Token: %q, body: %q)", r.Method, r.URL.Path, r.Header.Get("X-Auth-Token"), body),
		)
		trap.mu.Unlock()
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	trap.URL = srv.URL
	return trap
}

// Requests are the requests that reached the trap, with their token and body.
func (trap *Trap) Requests() []string {
	trap.mu.Lock()
	defer trap.mu.Unlock()
	return append([]string(nil), trap.seen...)
}
