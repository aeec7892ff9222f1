package glanceclient

import (
	"errors"
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
		{"glance json", gophercloud.ErrUnexpectedResponseCode{Actual: 409, Body: []byte(`{"message": "Member m is duplicated for image i<br /><br />\n\n\n", "code": "409 Conflict", "title": "Conflict"}`)},
			"Member m is duplicated for image i"},
		{"glance html", gophercloud.ErrUnexpectedResponseCode{Actual: 413, Body: []byte("<html>\n <head>\n  <title>413 Request Entity Too Large</title>\n </head>\n <body>\n  <h1>413 Request Entity Too Large</h1>\n  Image member limit exceeded for image i: Attempted: 4, Maximum: 3:<br /><br />\n\n </body>\n</html>")},
			"Image member limit exceeded for image i: Attempted: 4, Maximum: 3"},
		{"keystone json", gophercloud.ErrUnexpectedResponseCode{Actual: 401, Body: []byte(`{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`)},
			"The request you have made requires authentication."},
		{"empty body", gophercloud.ErrUnexpectedResponseCode{Actual: 502, Method: "GET", URL: "http://g/v2/images"}, "HTTP 502 from GET http://g/v2/images"},
		{"no answer", errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), "dial tcp 127.0.0.1:1: connect: connection refused"},
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
