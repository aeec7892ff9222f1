package glanceclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

func TestMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error
		want string
	}{
		{
			"glance json",
			gophercloud.ErrUnexpectedResponseCode{
				Actual: 409,
				Body: []byte(
					`{"message": "Member m is duplicated for image i<br /><br />\n\n\n", "code": "409 Conflict", "title": "Conflict"}`,
				),
			},
			"Member m is duplicated for image i",
		},
		{"glance html", gophercloud.ErrUnexpectedResponseCode{Actual: 413, Body: []byte("<html>\n <head>\n  <title>413 " +
			"Request Entity Too Large</title>\n </head>\n <body>\n  <h1>413 Request Entity Too Large</h1>\n  Image member " +
			"limit exceeded for image i: Attempted: 4, Maximum: 3:<br /><br />\n\n </body>\n</html>")},
			"Image member limit exceeded for image i: Attempted: 4, Maximum: 3"},
		{
			"keystone json",
			gophercloud.ErrUnexpectedResponseCode{
				Actual: 401,
				Body: []byte(
					`{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`,
				),
			},
			"The request you have made requires authentication.",
		},
		{
			"empty body",
			gophercloud.ErrUnexpectedResponseCode{Actual: 502, Method: "GET", URL: "http://g/v2/images"},
			"HTTP 502 from GET http://g/v2/images",
		},
		{
			"no answer",
			errors.New("dial tcp 127.0.0.1:1: connect: connection refused"),
			"dial tcp 127.0.0.1:1: connect: connection refused",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Message(tc.err); got != tc.want {
				t.Errorf("Message = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStatusAndNotFound(t *testing.T) {
	t.Parallel()
	nf := gophercloud.ErrUnexpectedResponseCode{Actual: 404}
	if !IsNotFound(nf) || Status(nf) != 404 {
		t.Error("a 404 answer must be not-found")
	}
	for _, err := range []error{gophercloud.ErrUnexpectedResponseCode{Actual: 403}, errors.New("connection reset")} {
		if IsNotFound(err) {
			t.Errorf("%v is not a not-found", err)
		}
	}
	if Status(errors.New("connection reset")) != 0 {
		t.Error("no answer has status 0")
	}
}

// A redirect is followed only to the scheme, host and port of the request it answers, with
// the scheme's default port written or not.
func TestSameHostRedirects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from, to string
		follow   bool
	}{
		{"http://keystone:5000/v3/auth/tokens", "http://keystone:5000/identity/v3/auth/tokens", true},
		{"http://glance/v2/images", "http://GLANCE:80/v2/images/", true},
		{"https://glance/v2/images", "https://glance:443/x", true},
		{"http://keystone:5000/v3/auth/tokens", "http://keystone:5001/v3/auth/tokens", false},
		{"http://keystone:5000/v3/auth/tokens", "http://evil:5000/v3/auth/tokens", false},
		{"https://glance/v2/images", "http://glance/v2/images", false},
		{"http://127.0.0.1:9292/v2", "http://localhost:9292/v2", false},
	}
	for _, tc := range cases {
		from, _ := http.NewRequest(http.MethodPost, tc.from, nil)
		to, _ := http.NewRequest(http.MethodPost, tc.to, nil)
		to.Response = &http.Response{StatusCode: http.StatusTemporaryRedirect}
		err := sameHostRedirects(to, []*http.Request{from})
		var refused *RedirectRefusedError
		switch {
		case tc.follow && err != nil:
			t.Errorf("%s -> %s refused: %v", tc.from, tc.to, err)
		case !tc.follow && (!errors.As(err, &refused) || refused.From != tc.from || refused.To != tc.to ||
			refused.Status != 307):
			t.Errorf("%s -> %s: want a refusal naming both, got %#v", tc.from, tc.to, err)
		}
	}
}

// An auth_url that points at another service's version document (the image service's, on a
// wrong port) is named as not Keystone's, with what to set, rather than as a JSON error.
func TestNew_authURLOfAnotherService(t *testing.T) {
	t.Parallel()
	glance := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusMultipleChoices)
		_, _ = w.Write([]byte(`{"versions": [{"id": "v2.9", "status": "CURRENT", "links": []}]}`))
	}))
	t.Cleanup(glance.Close)
	cfg, err := Resolve(Block{Settings: map[string]string{
		AttrAuthURL: glance.URL, attrUserName: "u", attrPassword: "p", attrProjectName: "p", attrUserDomainName: "Default",
	}}, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(context.Background(), cfg, "test")
	var ce *ConfigError
	says := glance.URL + " (auth_url, from provider attribute auth_url) did not answer as Keystone does"
	if !errors.As(err, &ce) || ce.Attr != AttrAuthURL || !strings.Contains(ce.Msg, says) {
		t.Errorf("got %v", err)
	}
}
