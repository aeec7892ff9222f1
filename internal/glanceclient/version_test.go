package glanceclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/glancev1test"
)

func TestUnversionedEndpoint(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://h:9292":         "http://h:9292/",
		"http://h:9292/":        "http://h:9292/",
		"http://h:9292/v2":      "http://h:9292/",
		"http://h:9292/v2/":     "http://h:9292/",
		"http://h:9292/v1":      "http://h:9292/",
		"http://h:9292/v1.1/":   "http://h:9292/",
		"https://c/image/v2.0":  "https://c/image/",
		"https://c/image":       "https://c/image/",
		"https://c/v2images/v1": "https://c/v2images/",
	} {
		if got := UnversionedEndpoint(in); got != want {
			t.Errorf("UnversionedEndpoint(%q) = %q, want %q", in, got, want)
		}
	}
}

// versionsServer serves a versions document listing the given "id status" pairs at /versions
// (and at any other path, a 404).
func versionsServer(t *testing.T, versions ...string) string {
	var entries []string
	for _, v := range versions {
		id, status, _ := strings.Cut(v, " ")
		entries = append(entries, fmt.Sprintf(`{"id":%q,"status":%q,"links":[]}`, id, status))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/versions" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `{"versions":[%s]}`, strings.Join(entries, ","))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestDetectImageAPI_documents(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		versions []string
		want     string // the version, or a part of the error
	}{
		{
			"both, as Mitaka to Queens listed them",
			[]string{"v2.6 CURRENT", "v2.5 SUPPORTED", "v1.1 DEPRECATED", "v1.0 DEPRECATED"},
			"2",
		},
		{"v1 only", []string{"v1.1 CURRENT", "v1.0 SUPPORTED"}, "1"},
		{"an experimental v2 does not count", []string{"v2.0 EXPERIMENTAL", "v1.1 SUPPORTED"}, "1"},
		{"neither", []string{"v3.0 CURRENT"}, "lists v3.0 (CURRENT); the provider speaks Image API v2 and v1"},
		{"nothing", nil, "lists no versions"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := versionsServer(t, tc.versions...)
			for _, endpoint := range []string{url, url + "/v2", url + "/v1/"} {
				got, err := detectImageAPI(context.Background(), &gophercloud.ProviderClient{}, endpoint)
				if err != nil {
					got = err.Error()
				}
				if !strings.Contains(got, tc.want) {
					t.Errorf("endpoint %s: got %q, want %q", endpoint, got, tc.want)
				}
			}
		})
	}
}

// Where /versions is not routed (404), the root's own answer (300, the same document) serves,
// also below a path prefix (a devstack's /image), and through the provider's own transport,
// whose guard turns any other 300 into an error.
func TestDetectImageAPI_rootOnly(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/image/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusMultipleChoices)
		fmt.Fprint(w, `{"versions":[{"id":"v1.1","status":"DEPRECATED","links":[]}]}`)
	}))
	t.Cleanup(srv.Close)
	docs := NewStatic(srv.URL, "token", "p", ImageAPIv2).spoken.docs // the client detection uses: no 300 guard
	if got, err := detectImageAPI(context.Background(), docs, srv.URL+"/image/v1"); err != nil || got != ImageAPIv1 {
		t.Errorf("got %q, %v; want v1 from the root's document", got, err)
	}
}

func TestDetectImageAPI_notAnImageService(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	_, err := detectImageAPI(context.Background(), &gophercloud.ProviderClient{}, srv.URL+"/v2")
	if err == nil || !strings.Contains(err.Error(), srv.URL+"/versions and "+srv.URL+"/ answered HTTP 404") {
		t.Errorf("got %v; want an error naming the URL and its answer", err)
	}
	srv.Close()
	if _, err := detectImageAPI(context.Background(), &gophercloud.ProviderClient{}, srv.URL); err == nil ||
		!strings.Contains(err.Error(), "cannot read the "+
			"image service's versions at "+srv.URL) {
		t.Errorf("got %v; want an error naming the unreachable URL", err)
	}
}

// Against the real Glance (v2 only today) and the v1 stand-in, by every form of endpoint.
func TestAccDetectImageAPI_realServices(t *testing.T) {
	env := acctest.PreCheck(t)
	v1 := glancev1test.Start(t, env.AuthURL)
	for _, tc := range []struct {
		name, root, want string
	}{
		{"Glance", env.ImageURL, ImageAPIv2},
		{"v1 stand-in", v1.URL, ImageAPIv1},
	} {
		for _, endpoint := range []string{tc.root, tc.root + "/", tc.root + "/v1", tc.root + "/v2/"} {
			got, err := detectImageAPI(context.Background(), &gophercloud.ProviderClient{}, endpoint)
			if err != nil || got != tc.want {
				t.Errorf("%s at %s: got %q, %v; want v%s", tc.name, endpoint, got, err, tc.want)
			}
		}
	}
}

// fakeImageService answers like a Glance that serves only v1 (v2Off), or only v2: members of
// any image on the version it serves, the versions document (a 300 to any path of the version
// it lacks), and 404 for an image named "missing". It counts the requests by "METHOD /path".
type fakeImageService struct {
	v2Off    bool
	mu       sync.Mutex
	requests map[string]int
}

func (f *fakeImageService) client(t *testing.T) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests[r.Method+" "+r.URL.Path]++
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		served, lacked := "/v2/", "/v1/"
		doc := `{"versions":[{"id":"v2.16","status":"CURRENT","links":[]}]}`
		if f.v2Off {
			served, lacked = lacked, served
			doc = `{"versions":[{"id":"v1.1","status":"DEPRECATED","links":[]}]}`
		}
		switch {
		case r.URL.Path == "/versions":
			fmt.Fprint(w, doc)
		case strings.HasPrefix(r.URL.Path, lacked):
			w.WriteHeader(http.StatusMultipleChoices)
			fmt.Fprint(w, doc)
		case strings.HasPrefix(r.URL.Path, served+"images/broken/"):
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"message":"database locked"}`)
		case strings.HasPrefix(r.URL.Path, served+"images/missing/"):
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"No image found"}`)
		case strings.HasPrefix(r.URL.Path, served) && strings.HasSuffix(r.URL.Path, "/members"):
			fmt.Fprint(w, `{"members":[{"member_id":"m","image_id":"i","status":"pending","can_share":false}]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	f.requests = map[string]int{}
	return NewStatic(srv.URL, "token", "owner", "")
}

func (f *fakeImageService) count(request string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[request]
}

// On a v2 service the first answer settles the version: no request of its own.
func TestOnAPI_v2IsToldByTheFirstAnswer(t *testing.T) {
	t.Parallel()
	f := &fakeImageService{}
	c := f.client(t)
	if got := c.ImageAPI(); got != "" {
		t.Fatalf("ImageAPI() before any call = %q, want \"\"", got)
	}
	if _, err := c.ListMembers(context.Background(), "i"); err != nil {
		t.Fatal(err)
	}
	if got := c.ImageAPI(); got != ImageAPIv2 || f.count("GET /versions") != 0 {
		t.Errorf("ImageAPI() = %q after %d detections, want v2 after none", got, f.count("GET /versions"))
	}
	if api, err := c.Version(context.Background()); api != ImageAPIv2 || err != nil || f.count("GET /versions") != 0 {
		t.Errorf("Version() = %q, %v; want v2, known without a request", api, err)
	}
}

// On a service without v2, the calls Terraform runs at once try v2 once between them: its 300
// has the version read once, and every call is made in v1.
func TestOnAPI_v1IsFoundOnce(t *testing.T) {
	t.Parallel()
	f := &fakeImageService{v2Off: true}
	c := f.client(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetMember(context.Background(), fmt.Sprintf("image-%d", i), "m")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	tries := 0
	for i := range 20 {
		tries += f.count(fmt.Sprintf("GET /v2/images/image-%d/members/m", i))
	}
	if tries != 1 || f.count("GET /versions") != 1 || c.ImageAPI() != ImageAPIv1 {
		t.Errorf("%d tries of v2 and %d detections, speaking %q; want one of each, then v1", tries,
			f.count("GET /versions"), c.ImageAPI())
	}
}

// An error answer before the version is known has it confirmed (an endpoint that is no image
// service answers 404 too); the answer stands on v2, and later errors cost no detection. A
// 5xx says nothing of the version: Glance's own error stands, with no detection.
func TestOnAPI_errorAnswerIsConfirmed(t *testing.T) {
	t.Parallel()
	f := &fakeImageService{}
	c := f.client(t)
	if _, err := c.ListMembers(context.Background(), "broken"); Status(err) != http.StatusInternalServerError ||
		f.count("GET /versions") != 0 || c.ImageAPI() != "" {
		t.Errorf("a 500 first: %v, %d detections, speaking %q; want the 500 itself, none, and still unknown", err,
			f.count("GET /versions"), c.ImageAPI())
	}
	for range 2 {
		if _, err := c.ListMembers(context.Background(), "missing"); !IsNotFound(err) {
			t.Errorf("got %v, want Glance's 404", err)
		}
	}
	if f.count("GET /versions") != 1 || c.ImageAPI() != ImageAPIv2 {
		t.Errorf("%d detections, speaking %q; want one, then v2", f.count("GET /versions"), c.ImageAPI())
	}

	srv := httptest.NewServer(http.NotFoundHandler()) // no image service at all
	t.Cleanup(srv.Close)
	_, err := NewStatic(srv.URL, "token", "owner", "").ListMembers(context.Background(), "i")
	var detection *DetectionError
	if !errors.As(err, &detection) || !strings.Contains(err.Error(), "cannot tell which Image API the image service "+
		"speaks") || !strings.Contains(err.Error(), "set image_api_version") {
		t.Errorf("got %v; want the detection's error, with the way to skip it", err)
	}
}

// Detection waits per endpoint: while one endpoint's version document is on its way, another
// endpoint's detection goes ahead. (Before, one lock across every endpoint made this wait on
// the stalled request: it would hang here until the test binary's timeout.)
func TestDetectOnce_perEndpoint(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		fmt.Fprint(w, `{"versions":[{"id":"v2.9","status":"CURRENT","links":[]}]}`)
	}))
	defer stalled.Close()
	fast := versionsServer(t, "v1.1 DEPRECATED")
	pc := &gophercloud.ProviderClient{}
	done := make(chan error, 1)
	go func() {
		_, err := detectOnce(context.Background(), pc, stalled.URL+"/")
		done <- err
	}()
	<-entered
	api, err := detectOnce(context.Background(), pc, fast+"/")
	close(release)
	if err != nil || api != ImageAPIv1 {
		t.Errorf("the other endpoint: %q, %v; want v1", api, err)
	}
	if err := <-done; err != nil {
		t.Errorf("the stalled endpoint: %v", err)
	}
}
