package proxytest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A Reset while a request is out must not break the proxy: the request's answer comes back
// to a log that no longer holds it, and the next requests are served and counted.
func TestResetWhileARequestIsOut(t *testing.T) {
	t.Parallel()
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(backend.Close)
	p := New(t, backend.URL, Options{FaultRate: 1, Faults: []Fault{Latency}, Latency: 300 * time.Millisecond})
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := http.Get(p.URL + "/slow"); err == nil {
			resp.Body.Close()
		}
	}()
	for len(p.Requests()) == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	p.Reset()
	<-done
	p.SetFaultRate(0)
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(p.URL + "/after")
	if err != nil {
		t.Fatalf("the proxy no longer serves after a Reset under a request in flight: %v", err)
	}
	resp.Body.Close()
	if got := p.Exchanges(); len(got) != 1 || got[0].Path != "/after" || got[0].Status != http.StatusOK {
		t.Errorf("exchanges after the Reset: %+v, want only /after, answered 200", got)
	}
}
