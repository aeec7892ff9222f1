package glanceclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
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
				got, err := DetectImageAPI(context.Background(), &gophercloud.ProviderClient{}, endpoint)
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
	pc := NewStatic(srv.URL, "token", "p", ImageAPIv2).pc
	if got, err := DetectImageAPI(context.Background(), pc, srv.URL+"/image/v1"); err != nil || got != ImageAPIv1 {
		t.Errorf("got %q, %v; want v1 from the root's document", got, err)
	}
}

func TestDetectImageAPI_notAnImageService(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	_, err := DetectImageAPI(context.Background(), &gophercloud.ProviderClient{}, srv.URL+"/v2")
	if err == nil || !strings.Contains(err.Error(), srv.URL+"/versions and "+srv.URL+"/ answered HTTP 404") {
		t.Errorf("got %v; want an error naming the URL and its answer", err)
	}
	srv.Close()
	if _, err := DetectImageAPI(context.Background(), &gophercloud.ProviderClient{}, srv.URL); err == nil ||
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
			got, err := DetectImageAPI(context.Background(), &gophercloud.ProviderClient{}, endpoint)
			if err != nil || got != tc.want {
				t.Errorf("%s at %s: got %q, %v; want v%s", tc.name, endpoint, got, err, tc.want)
			}
		}
	}
}
